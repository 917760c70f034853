using System.Globalization;
using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Tests.Bpf;

/// <summary>bpf_get_stackid stores the kernel and the user stack of this thread's getrusage call: the kernel
/// stack passes through the syscall entry, the user stack through libc's getrusage wrapper.</summary>
public sealed class StackTraceMapTests
{
    [Fact]
    public void TheKernelAndUserStacksOfACallAreStoredAndReadBack()
    {
        using var stacks = BpfStackTraceMap.Create("diag_test_stack", 64);
        using var result = BpfMap.Create("diag_test_ids", BpfMapType.Array, 4, 16, 1);
        result.Update(0u, new StackIds { Kernel = -1, User = -1 });
        var tid = Libc.GetTid();
        using var program = BpfProgram.LoadRawTracepoint("diag_test_stack", Program(stacks, result, tid));
        using (RawTracepointLink.Attach(program, "sys_enter"))
            Getrusage(1);

        Assert.True(result.TryLookup(0u, out StackIds ids));
        Assert.True(ids.Kernel >= 0, $"kernel stack id {ids.Kernel}");
        Assert.True(ids.User >= 0, $"user stack id {ids.User}");

        var kernel = stacks.Read((int)ids.Kernel)!;
        Assert.NotEmpty(kernel);
        Assert.All(kernel, address => Assert.True(address >= 0xffff800000000000, $"0x{address:x} is not a kernel address"));
        var symbols = KernelSymbols();
        var names = kernel.Select(a => Symbolize(symbols, a)).ToList();
        Assert.Contains(names, n => n.StartsWith("do_syscall_64", StringComparison.Ordinal) || n.StartsWith("entry_SYSCALL_64", StringComparison.Ordinal));

        var user = stacks.Read((int)ids.User)!;
        Assert.NotEmpty(user);
        var libc = Diag.Linux.Stacks.MemoryMap.Read(Environment.ProcessId)!.Find(LinkTests.LibcFunction("getrusage"))!.FilePath;
        Assert.Equal(libc, Diag.Linux.Stacks.MemoryMap.Read(Environment.ProcessId)!.Find(user[0])?.FilePath); // the innermost user frame

        Assert.True(stacks.Delete((int)ids.Kernel));
        Assert.Null(stacks.Read((int)ids.Kernel));
    }

    /// <summary>result = { kernel stack id, user stack id } of this thread's getrusage (raw_syscalls:sys_enter).</summary>
    private static BpfInstruction[] Program(BpfStackTraceMap stacks, BpfMap result, int tid)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var user = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.JumpIf32(C.NotEqual, R0, tid, @out);
        a.Load(S.DoubleWord, R1, R6, 8);
        a.JumpIf(C.NotEqual, R1, GetrusageNumber, @out);
        a.LoadMapValue(R7, result, 0);
        stacks.EmitGetStackId(a, R6);
        a.JumpIf(C.SignedLess, R0, 0, user);               // a negative errno: leave -1
        a.Store(S.DoubleWord, R7, 0, R0);
        a.Mark(user);
        stacks.EmitGetStackId(a, R6, Libc.BPF_F_USER_STACK);
        a.JumpIf(C.SignedLess, R0, 0, @out);
        a.Store(S.DoubleWord, R7, 8, R0);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>/proc/kallsyms's text symbols by address (the test is root: the addresses are real).</summary>
    private static List<(ulong Address, string Name)> KernelSymbols() =>
        File.ReadLines("/proc/kallsyms")
            .Select(l => l.Split(' '))
            .Where(f => f.Length >= 3 && f[1] is "t" or "T")
            .Select(f => (ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), f[2]))
            .OrderBy(s => s.Item1)
            .ToList();

    private static string Symbolize(List<(ulong Address, string Name)> symbols, ulong address)
    {
        var low = 0;
        var high = symbols.Count - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (symbols[mid].Address <= address)
                low = mid;
            else
                high = mid - 1;
        }
        return symbols[low].Address <= address ? $"{symbols[low].Name}+0x{address - symbols[low].Address:x}" : $"0x{address:x}";
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct StackIds
    {
        public long Kernel, User;
    }
}
