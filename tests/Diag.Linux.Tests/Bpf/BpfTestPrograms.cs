using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// The small programs of the layer's tests, and the system call they watch: getrusage(2), which this test thread
/// makes exactly as often as it wants (it changes nothing), whose kernel function __x64_sys_getrusage has BTF (an
/// fentry/fexit target), whose tracepoints are syscalls:sys_enter_getrusage and raw_syscalls:sys_enter (id 98),
/// and whose libc wrapper is a uprobe target. Every program counts only the calls of one thread (the test's), so
/// tests running at the same time, and every other process, never disturb the counts.
/// </summary>
internal static unsafe class BpfTestPrograms
{
    public const int GetrusageNumber = 98;
    public const string Function = "__x64_sys_getrusage";
    public const string TracepointCategory = "syscalls", TracepointName = "sys_enter_getrusage";

    private const short SlotKey = -4, SlotValue = -16;

    /// <summary>The running kernel's types (the shared BTF layer).</summary>
    public static BtfTypes Btf => KernelBtf.Vmlinux ?? throw new InvalidOperationException("this kernel has no BTF: " + KernelBtf.Problem);

    /// <summary>The FUNC id of <paramref name="name"/> in vmlinux.</summary>
    public static int FunctionId(string name) => Btf.Function(name)?.Id ?? throw new InvalidOperationException($"no FUNC {name} in the kernel's BTF");

    /// <summary>The byte offset of <paramref name="structure"/>.<paramref name="member"/>, or null when absent.</summary>
    public static int? MemberOffset(string structure, string member) => Btf.Field(structure, member)?.ByteOffset;

    /// <summary>Makes <paramref name="count"/> getrusage(RUSAGE_THREAD) calls on this thread; returns its thread id.</summary>
    public static int Getrusage(int count, int who = Libc.RUSAGE_THREAD)
    {
        Libc.ResourceUsage usage;
        for (var i = 0; i < count; i++)
            Libc.GetResourceUsage(who, &usage);
        return Libc.GetTid();
    }

    /// <summary>What a counting program checks of its context before it counts.</summary>
    public enum Context
    {
        /// <summary>Every run counts (the attach point is getrusage itself: fentry, kprobe, tracepoint, uprobe).</summary>
        Any,

        /// <summary>raw_syscalls:sys_enter (raw or tp_btf): (regs, id) as u64s; counts id 98.</summary>
        SysEnter,
    }

    /// <summary>
    /// counts[key] += 1 for each run on thread <paramref name="threadId"/>: key 0 in an array, the thread id in a
    /// hash (inserted with BPF_NOEXIST on the first run). Works for every map type with a u32 key and a u64 value,
    /// per-CPU ones included (each CPU's own value).
    /// </summary>
    public static BpfInstruction[] Counter(BpfMap counts, int threadId, Context context)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var insert = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.JumpIf32(C.NotEqual, R0, threadId, @out);          // the low half: the thread id
        if (context == Context.SysEnter)
        {
            a.Load(S.DoubleWord, R1, R6, 8);                 // id
            a.JumpIf(C.NotEqual, R1, GetrusageNumber, @out);
        }
        var array = counts.Type is BpfMapType.Array or BpfMapType.PerCpuArray;
        a.Store(S.Word, R10, SlotKey, array ? 0 : threadId);
        a.LoadMap(R1, counts);
        a.Mov(R2, R10);
        a.Add(R2, SlotKey);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, insert);
        a.Mov(R1, 1);
        a.AtomicAdd(R0, 0, R1);
        a.Jump(@out);
        a.Mark(insert);
        a.Store(S.DoubleWord, R10, SlotValue, 1);
        a.LoadMap(R1, counts);
        a.Mov(R2, R10);
        a.Add(R2, SlotKey);
        a.Mov(R3, R10);
        a.Add(R3, SlotValue);
        a.Mov(R4, (int)Libc.BPF_NOEXIST);
        a.Call(BpfHelper.MapUpdateElem);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>A u32 → u64 map of <paramref name="type"/> for <see cref="Counter"/>.</summary>
    public static BpfMap CounterMap(BpfMapType type, int entries = 16) =>
        BpfMap.Create("diag_test_" + (int)type, type, 4, 8, entries);

    /// <summary>The count a <see cref="Counter"/> program kept for <paramref name="threadId"/> (summed over CPUs).</summary>
    public static long Count(BpfMap counts, int threadId)
    {
        var key = counts.Type is BpfMapType.Array or BpfMapType.PerCpuArray ? 0u : (uint)threadId;
        if (counts.IsPerCpu)
            return (long)counts.SumPerCpu(key);
        return counts.TryLookup(key, out ulong value) ? (long)value : 0;
    }

    /// <summary>fexit on getrusage: result[0] = the call's who argument (regs->di), result[1] = its return value,
    /// for thread <paramref name="threadId"/>; result is an array of one 16-byte value, written in place.</summary>
    public static BpfInstruction[] ExitRecorder(BpfMap result, int threadId)
    {
        var di = MemberOffset("pt_regs", "di") ?? throw new InvalidOperationException("no pt_regs.di in BTF");
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.JumpIf32(C.NotEqual, R0, threadId, @out);
        a.LoadMapValue(R7, result, 0);                       // &result[0], no lookup
        a.Load(S.DoubleWord, R1, R6, 0);                     // regs: a BTF pointer, read directly
        a.Load(S.DoubleWord, R1, R1, (short)di);
        a.Store(S.DoubleWord, R7, 0, R1);
        a.Load(S.DoubleWord, R1, R6, 8);                     // the return value
        a.Store(S.DoubleWord, R7, 8, R1);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>An iter/task program that writes { u32 pid, u32 tgid } for each task with seq_write.</summary>
    public static BpfInstruction[] TaskIds()
    {
        var pid = MemberOffset("task_struct", "pid")!.Value;
        var tgid = MemberOffset("task_struct", "tgid")!.Value;
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Load(S.DoubleWord, R6, R1, 0);                     // ctx->meta
        a.Load(S.DoubleWord, R7, R1, 8);                     // ctx->task, NULL after the last
        a.JumpIf(C.Equal, R7, 0, @out);
        a.Load(S.Word, R1, R7, (short)pid);
        a.Store(S.Word, R10, -8, R1);
        a.Load(S.Word, R1, R7, (short)tgid);
        a.Store(S.Word, R10, -4, R1);
        a.Load(S.DoubleWord, R1, R6, 0);                     // meta->seq
        a.Mov(R2, R10);
        a.Add(R2, -8);
        a.Mov(R3, 8);
        a.Call(BpfHelper.SeqWrite);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>An iter/task_file program that writes { u32 tgid, u32 fd } for each open file of each task.</summary>
    public static BpfInstruction[] TaskFiles()
    {
        var tgid = MemberOffset("task_struct", "tgid")!.Value;
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Load(S.DoubleWord, R6, R1, 0);                     // ctx->meta
        a.Load(S.DoubleWord, R7, R1, 8);                     // ctx->task
        a.Load(S.Word, R8, R1, 16);                          // ctx->fd
        a.Load(S.DoubleWord, R9, R1, 24);                    // ctx->file, NULL after the last
        a.JumpIf(C.Equal, R9, 0, @out);
        a.JumpIf(C.Equal, R7, 0, @out);
        a.Load(S.Word, R1, R7, (short)tgid);
        a.Store(S.Word, R10, -8, R1);
        a.Store(S.Word, R10, -4, R8);
        a.Load(S.DoubleWord, R1, R6, 0);
        a.Mov(R2, R10);
        a.Add(R2, -8);
        a.Mov(R3, 8);
        a.Call(BpfHelper.SeqWrite);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>An iter/task program that prints "pid tgid comm\n" per task with seq_printf, its format string read
    /// from a frozen read-only map (<paramref name="format"/>, see <see cref="FormatMap"/>) through a map value load.</summary>
    public static BpfInstruction[] TaskLines(BpfMap format, int formatLength)
    {
        var pid = MemberOffset("task_struct", "pid")!.Value;
        var tgid = MemberOffset("task_struct", "tgid")!.Value;
        var comm = MemberOffset("task_struct", "comm")!.Value;
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Load(S.DoubleWord, R6, R1, 0);
        a.Load(S.DoubleWord, R7, R1, 8);
        a.JumpIf(C.Equal, R7, 0, @out);
        a.Load(S.Word, R1, R7, (short)pid);
        a.Store(S.DoubleWord, R10, -24, R1);                  // data[0] = pid
        a.Load(S.Word, R1, R7, (short)tgid);
        a.Store(S.DoubleWord, R10, -16, R1);                  // data[1] = tgid
        a.Mov(R1, R7);
        a.Add(R1, comm);
        a.Store(S.DoubleWord, R10, -8, R1);                   // data[2] = &task->comm (%s)
        a.Load(S.DoubleWord, R1, R6, 0);
        a.LoadMapValue(R2, format, 0);
        a.Mov(R3, formatLength);
        a.Mov(R4, R10);
        a.Add(R4, -24);
        a.Mov(R5, 24);
        a.Call(BpfHelper.SeqPrintf);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>A frozen, program-read-only array of one value holding <paramref name="text"/> NUL-terminated (what a
    /// compiler puts in .rodata); returns the map and the string's length with its NUL.</summary>
    public static (BpfMap Map, int Length) FormatMap(string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text + "\0");
        var map = BpfMap.Create("diag_rodata", BpfMapType.Array, 4, bytes.Length, 1, Libc.BPF_F_RDONLY_PROG);
        try
        {
            var key = 0u;
            fixed (byte* value = bytes)
                map.Update(&key, value);
            map.Freeze();
            return (map, bytes.Length);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }
}
