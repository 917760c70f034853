using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// The raw_syscalls:sys_enter program of Get-ThreadCpu's syscall rates: counts[(thread, syscall)] += 1 for each
/// call a selected thread starts (every thread when no filter map is given). A thread outside the selection pays
/// the tracepoint and one map lookup; a counted call one more lookup and an atomic add, or an insert for its first
/// call of that syscall in the interval. An insert into a full map is counted as lost, never silently.
/// </summary>
internal static class SyscallCountProgram
{
    /// <summary>The key: { u32 thread id, u32 syscall number }; the value: a u64 count.</summary>
    public const int KeySize = 8, ValueSize = 8;

    private const short Key = -8, One = -16, FilterKey = -20, LostKey = -24;

    public static BpfInstruction[] Build(BpfMap counts, BpfMap? processFilter, BpfMap lost)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var insert = a.NewLabel();
        a.Mov(R6, R1);                                           // args: (struct pt_regs *regs, long id)
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        if (processFilter is not null)
        {
            a.Rsh(R0, 32);                                       // the thread group id
            a.Store(S.Word, R10, FilterKey, R0);
            a.LoadMap(R1, processFilter);
            a.Mov(R2, R10);
            a.Add(R2, FilterKey);
            a.Call(BpfHelper.MapLookupElem);
            a.JumpIf(C.Equal, R0, 0, @out);
        }
        a.Store(S.Word, R10, Key, R7);                           // the low half: the thread id
        a.Load(S.DoubleWord, R1, R6, 8);
        a.Store(S.Word, R10, Key + 4, R1);
        a.LoadMap(R1, counts);
        a.Mov(R2, R10);
        a.Add(R2, Key);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, insert);
        a.Mov(R1, 1);
        a.AtomicAdd(R0, 0, R1);
        a.Jump(@out);

        a.Mark(insert);
        a.Store(S.DoubleWord, R10, One, 1);
        a.LoadMap(R1, counts);
        a.Mov(R2, R10);
        a.Add(R2, Key);
        a.Mov(R3, R10);
        a.Add(R3, One);
        a.Mov(R4, (int)Libc.BPF_NOEXIST);
        a.Call(BpfHelper.MapUpdateElem);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Store(S.Word, R10, LostKey, 0);                        // full: count the call as lost
        a.LoadMap(R1, lost);
        a.Mov(R2, R10);
        a.Add(R2, LostKey);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Mov(R1, 1);
        a.AtomicAdd(R0, 0, R1);

        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }
}
