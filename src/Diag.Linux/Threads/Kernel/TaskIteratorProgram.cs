using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using R = Diag.Linux.Threads.Kernel.TaskRecord;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// The iter/task program of Get-ThreadCpu: for each thread (of the selected processes, when a filter map is
/// given) one <see cref="TaskRecord"/> with what /proc's stat, status, schedstat, syscall and wchan files would
/// say, written with one seq_write. The rules are /proc's own: the system call of a thread is read from its saved
/// registers only when it is not running (task_current_syscall), never for a kernel thread, and -1 for one that
/// has exited (its stack is gone); the wait channel only when the thread is blocked and off the run queue
/// (get_wchan), as the first frame of its kernel stack outside the scheduler (bpf_get_task_stack skips those, as
/// get_wchan does), printed by the kernel's own %ps.
/// </summary>
internal static class TaskIteratorProgram
{
    /// <summary>PF_KTHREAD in task_struct.flags.</summary>
    public const uint KernelThreadFlag = 0x00200000;

    /// <summary>TASK_WAKING: get_wchan gives no wait channel while a wakeup is in flight.</summary>
    public const int TaskWaking = 0x200;

    /// <summary>The format of the wait channel: the symbol without offset, as /proc/PID/wchan prints it.</summary>
    public static ReadOnlySpan<byte> WaitChannelFormat => "%ps\0"u8;

    // The record lives at the bottom of the stack frame; below it, 8 bytes for a stack entry (also snprintf's
    // argument array) and 4 for the filter's key.
    private const short Record = -R.Size, StackEntry = Record - 8, FilterKey = StackEntry - 8;

    /// <summary>The program. <paramref name="processFilter"/>: a u32 → u32 hash of the thread group IDs to report,
    /// or null for every thread. <paramref name="waitChannelFormat"/>: a read-only data map holding
    /// <see cref="WaitChannelFormat"/>. <paramref name="passKind"/>: a one-entry u32 array whose value 0 asks for a
    /// light pass (the counters a baseline needs: IDs, times, faults, switches, start time and name), anything else
    /// for a full one (also the namespace IDs, the system call and the wait channel).</summary>
    public static BpfInstruction[] Build(TaskLayout layout, BpfMap? processFilter, BpfMap waitChannelFormat, BpfMap passKind)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Load(S.DoubleWord, R2, R1, 0);                         // ctx->meta
        a.Load(S.DoubleWord, R6, R2, 0);                         // meta->seq
        a.Load(S.DoubleWord, R7, R1, 8);                         // ctx->task, NULL after the last one
        a.JumpIf(C.Equal, R7, 0, @out);

        if (processFilter is not null)
        {
            a.Load(S.Word, R1, R7, layout.Tgid);
            a.Store(S.Word, R10, FilterKey, R1);
            a.LoadMap(R1, processFilter);
            a.Mov(R2, R10);
            a.Add(R2, FilterKey);
            a.Call(BpfHelper.MapLookupElem);
            a.JumpIf(C.Equal, R0, 0, @out);
        }

        // Every byte seq_write copies is written first.
        for (short at = 0; at < R.Size; at += 8)
            a.Store(S.DoubleWord, R10, (short)(Record + at), 0);

        a.Load(S.Word, R1, R7, layout.Pid);
        a.Store(S.Word, R10, (short)(Record + R.OffTid), R1);
        a.Store(S.Word, R10, (short)(Record + R.OffNamespaceTid), R1);   // unless a nested namespace says otherwise
        a.Load(S.Word, R1, R7, layout.Tgid);
        a.Store(S.Word, R10, (short)(Record + R.OffTgid), R1);
        a.Store(S.Word, R10, (short)(Record + R.OffNamespaceTgid), R1);
        a.Load(S.Word, R8, R7, layout.State);
        a.Store(S.Word, R10, (short)(Record + R.OffState), R8);
        a.Load(S.Word, R1, R7, layout.ExitState);
        a.Store(S.Word, R10, (short)(Record + R.OffExitState), R1);
        a.Load(S.Word, R9, R7, layout.Flags);
        a.Store(S.Word, R10, (short)(Record + R.OffFlags), R9);
        CopyWord(a, layout.Cpu, R.OffCpu);
        CopyWord(a, layout.Prio, R.OffPrio);
        CopyWord(a, layout.StaticPrio, R.OffStaticPrio);
        CopyDoubleWord(a, layout.UserTime, R.OffUserTime);
        CopyDoubleWord(a, layout.SystemTime, R.OffSystemTime);
        CopyDoubleWord(a, layout.RunTime, R.OffRunTime);
        CopyDoubleWord(a, layout.VoluntarySwitches, R.OffVoluntarySwitches);
        CopyDoubleWord(a, layout.InvoluntarySwitches, R.OffInvoluntarySwitches);
        CopyDoubleWord(a, layout.MinorFaults, R.OffMinorFaults);
        CopyDoubleWord(a, layout.MajorFaults, R.OffMajorFaults);
        CopyDoubleWord(a, layout.StartBootTime, R.OffStartBootTime);
        CopyDoubleWord(a, layout.Comm, R.OffComm);
        CopyDoubleWord(a, (short)(layout.Comm + 8), R.OffComm + 8);
        a.Call(BpfHelper.KtimeGetNs);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffTimestamp), R0);

        var write = a.NewLabel();
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffSyscall), (int)R.SyscallNotRead);
        a.LoadMapValue(R1, passKind, 0);
        a.Load(S.Word, R1, R1, 0);
        a.JumpIf(C.Equal, R1, 0, write);                         // a light pass: the baseline's counters are all

        // NSpid and NStgid: the number at the pid's own level, read only for a nested PID namespace.
        NamespaceId(a, layout, fromLeader: false, R.OffNamespaceTid);
        NamespaceId(a, layout, fromLeader: true, R.OffNamespaceTgid);

        var waitChannel = a.NewLabel();
        var readRegisters = a.NewLabel();
        a.JumpIf(C.Equal, R8, 0, waitChannel);                   // running: /proc says "running"
        a.JumpIf(C.AnyBitSet, R9, unchecked((int)KernelThreadFlag), waitChannel);
        a.Load(S.Word, R1, R7, layout.ExitState);
        a.JumpIf(C.Equal, R1, 0, readRegisters);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffSyscall), -1); // exited: no stack, so no system call
        a.Jump(waitChannel);
        a.Mark(readRegisters);
        a.Mov(R1, R7);
        a.Call(BpfHelper.TaskPtRegs);
        a.Load(S.DoubleWord, R1, R0, layout.OrigAx);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffSyscall), R1);

        a.Mark(waitChannel);
        a.JumpIf(C.Equal, R8, 0, write);
        a.JumpIf(C.Equal, R8, TaskWaking, write);
        a.Load(S.Word, R1, R7, layout.OnRunQueue);
        a.JumpIf(C.NotEqual, R1, 0, write);
        a.Store(S.DoubleWord, R10, StackEntry, 0);
        a.Mov(R1, R7);
        a.Mov(R2, R10);
        a.Add(R2, StackEntry);
        a.Mov(R3, 8);                                            // one entry: the first frame outside the scheduler
        a.Mov(R4, 0);
        a.Call(BpfHelper.GetTaskStack);
        a.JumpIf(C.SignedLessOrEqual, R0, 0, write);
        a.Load(S.DoubleWord, R1, R10, StackEntry);
        a.JumpIf(C.Equal, R1, 0, write);
        a.Mov(R1, R10);
        a.Add(R1, (short)(Record + R.OffWaitChannel));
        a.Mov(R2, R.WaitChannelRoom);
        a.LoadMapValue(R3, waitChannelFormat, 0);
        a.Mov(R4, R10);
        a.Add(R4, StackEntry);                                   // data[0]: the address
        a.Mov(R5, 8);
        a.Call(BpfHelper.Snprintf);
        a.Store(S.Word, R10, (short)(Record + R.OffWaitChannelLength), R0);

        a.Mark(write);
        a.Mov(R1, R6);
        a.Mov(R2, R10);
        a.Add(R2, Record);
        a.Mov(R3, R.Size);
        a.Call(BpfHelper.SeqWrite);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    private static void CopyWord(BpfAssembler a, short from, short to)
    {
        a.Load(S.Word, R1, R7, from);
        a.Store(S.Word, R10, (short)(Record + to), R1);
    }

    private static void CopyDoubleWord(BpfAssembler a, short from, int to)
    {
        a.Load(S.DoubleWord, R1, R7, from);
        a.Store(S.DoubleWord, R10, (short)(Record + to), R1);
    }

    /// <summary>record[to] = pid->numbers[pid->level].nr for the thread's pid (or its group leader's), when the
    /// level is above 0; the level is known only at run time, so the number is read with probe_read_kernel.</summary>
    private static void NamespaceId(BpfAssembler a, TaskLayout layout, bool fromLeader, short to)
    {
        var done = a.NewLabel();
        if (fromLeader)
        {
            a.Load(S.DoubleWord, R1, R7, layout.GroupLeader);
            a.Load(S.DoubleWord, R3, R1, layout.ThreadPid);
        }
        else
        {
            a.Load(S.DoubleWord, R3, R7, layout.ThreadPid);
        }
        a.Load(S.Word, R2, R3, layout.PidLevel);
        a.JumpIf(C.Equal, R2, 0, done);
        a.JumpIf(C.Greater, R2, 63, done);                      // MAX_PID_NS_LEVEL is 32: anything else is not a level
        a.Mul(R2, layout.UpidSize);
        a.Add(R3, R2);
        a.Add(R3, layout.PidNumbers + layout.UpidNr);
        a.Mov(R1, R10);
        a.Add(R1, (short)(Record + to));
        a.Mov(R2, 4);
        a.Call(BpfHelper.ProbeReadKernel);
        a.Mark(done);
    }
}
