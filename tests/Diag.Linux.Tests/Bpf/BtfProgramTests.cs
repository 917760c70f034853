using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// CO-RE end to end: a program assembled with the running kernel's offsets from BTF reads this test's own
/// task_struct (pid, tgid, comm, mm) and mm_struct (arg_start, arg_end), then the argv bytes, and they are
/// what /proc says about this thread and process.
/// </summary>
public sealed class BtfProgramTests
{
    private const BpfHelper GetCurrentTask = BpfHelper.GetCurrentTask, ProbeReadUser = BpfHelper.ProbeReadUser;

    // The map value the program fills: pid, tgid, comm, arg_start, arg_end, argv length, argv, done flag.
    private const int PidAt = 0, TgidAt = 4, CommAt = 8, ArgStartAt = 24, ArgEndAt = 32, ArgvLengthAt = 40, ArgvAt = 48,
        ArgvCapacity = 4096, DoneAt = ArgvAt + ArgvCapacity, ValueSize = DoneAt + 8;

    [RootFact]
    public unsafe void AProgramRelocatedWithBtfReadsThisThreadsPidCommAndArgv()
    {
        var layout = BtfLayout.Running();
        var tid = Libc.GetTid();
        using var map = BpfMap.Create("diag_core_test", BpfMapType.Array, 4, ValueSize, 1);
        var code = Program(layout, map.Fd.Value, tid);
        using var program = BpfProgram.LoadRawTracepoint("diag_core_test", code);

        var value = new byte[ValueSize];
        using (RawTracepointLink.Attach(program, "sys_enter"))
        {
            var key = 0;
            fixed (byte* v = value)
            {
                // The lookup is itself a system call of this thread: by the time it reads, the program has run.
                for (var attempt = 0; attempt < 100 && BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(DoneAt)) == 0; attempt++)
                {
                    _ = Libc.GetPid();
                    Assert.True(map.Lookup(&key, v));
                }
            }
        }
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(DoneAt)));

        // task_struct.pid is the thread's id, tgid the process's.
        Assert.Equal(tid, BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(PidAt)));
        Assert.Equal(Environment.ProcessId, BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(TgidAt)));
        var comm = value.AsSpan(CommAt, 16);
        Assert.Equal(File.ReadAllText($"/proc/self/task/{tid}/comm").TrimEnd('\n'), Encoding.UTF8.GetString(comm[..comm.IndexOf((byte)0)]));

        var cmdline = File.ReadAllBytes("/proc/self/cmdline");
        var start = BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(ArgStartAt));
        var end = BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(ArgEndAt));
        Assert.Equal((ulong)cmdline.Length, end - start);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(ArgvLengthAt));
        Assert.Equal(Math.Min(cmdline.Length, ArgvCapacity), length);
        Assert.Equal(cmdline[..length], value[ArgvAt..(ArgvAt + length)]);
    }

    [RootFact]
    public void AFieldThisKernelLacksIsNamedBeforeAnythingIsLoaded()
    {
        var layout = BtfLayout.Running();
        var e = Assert.Throws<KernelLayoutException>(() => layout.Offset("task_struct", "pid_of_a_future_kernel"));
        Assert.Equal($"this kernel (Linux {KernelBtf.Release}) has no member 'pid_of_a_future_kernel' in struct task_struct", e.Message);
        e = Assert.Throws<KernelLayoutException>(() => layout.Offset("mm_struct", "arg_start.x"));
        Assert.Contains("has 'mm_struct.arg_start' as long unsigned int, which has no members", e.Message);
    }

    /// <summary>On sys_enter of thread <paramref name="tid"/>: fill the map value from the current task.</summary>
    private static BpfInstruction[] Program(BtfLayout layout, int mapFd, int tid)
    {
        var a = new BpfAssembler();
        var done = a.NewLabel();
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov32(R1, R0);
        a.JumpIf(BpfCondition.NotEqual, R1, tid, done);
        a.Store(BpfSize.Word, R10, -4, 0);
        a.Mov(R2, R10);
        a.Add(R2, -4);
        a.LoadMap(R1, mapFd);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(BpfCondition.Equal, R0, 0, done);
        a.Mov(R7, R0); // the value
        a.Call(GetCurrentTask);
        a.Mov(R6, R0); // struct task_struct *

        ReadKernel(a, PidAt, 4, R6, layout.ByteOffset("task_struct", "pid"));
        ReadKernel(a, TgidAt, 4, R6, layout.ByteOffset("task_struct", "tgid"));
        ReadKernel(a, CommAt, (int)layout.Field("task_struct", "comm").SizeBytes, R6, layout.ByteOffset("task_struct", "comm"));
        // mm into the stack, then into r8.
        a.Mov(R1, R10);
        a.Add(R1, -16);
        a.Mov(R2, 8);
        a.Mov(R3, R6);
        a.Add(R3, layout.ByteOffset("task_struct", "mm"));
        a.Call(BpfHelper.ProbeReadKernel);
        a.Load(BpfSize.DoubleWord, R8, R10, -16);
        a.JumpIf(BpfCondition.Equal, R8, 0, done);
        ReadKernel(a, ArgStartAt, 8, R8, layout.ByteOffset("mm_struct", "arg_start"));
        ReadKernel(a, ArgEndAt, 8, R8, layout.ByteOffset("mm_struct", "arg_end"));

        // length = min(arg_end - arg_start, capacity); then the argv bytes from user memory.
        var bounded = a.NewLabel();
        a.Load(BpfSize.DoubleWord, R2, R7, ArgEndAt);
        a.Load(BpfSize.DoubleWord, R3, R7, ArgStartAt);
        a.Sub(R2, R3);
        a.JumpIf(BpfCondition.LessOrEqual, R2, ArgvCapacity, bounded);
        a.Mov(R2, ArgvCapacity);
        a.Mark(bounded);
        a.Store(BpfSize.DoubleWord, R7, ArgvLengthAt, R2);
        a.Mov(R1, R7);
        a.Add(R1, ArgvAt);
        a.Call(ProbeReadUser);
        a.Store(BpfSize.DoubleWord, R7, DoneAt, 1);

        a.Mark(done);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>probe_read_kernel(value + at, size, pointer + offset).</summary>
    private static void ReadKernel(BpfAssembler a, int at, int size, BpfRegister pointer, int offset)
    {
        a.Mov(R1, R7);
        a.Add(R1, at);
        a.Mov(R2, size);
        a.Mov(R3, pointer);
        a.Add(R3, offset);
        a.Call(BpfHelper.ProbeReadKernel);
    }
}
