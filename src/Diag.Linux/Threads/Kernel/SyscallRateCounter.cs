using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// Counts each selected thread's system calls in the kernel (a program on raw_syscalls:sys_enter), so that a
/// thread on a CPU can be told by what it calls: the /proc syscall file can only say "running" for it, and the
/// spinning thread of a busy server is on a CPU whenever anyone looks. <see cref="Take"/> moves the counts out of
/// the kernel in one batch and starts the next interval from zero. While it runs, every system call on the
/// machine passes the tracepoint (see the README's cost figures); nothing outlives Dispose.
/// </summary>
internal sealed unsafe class SyscallRateCounter : IDisposable
{
    /// <summary>(thread, syscall) pairs one interval can count: a thread uses a handful of different calls.</summary>
    private const int Entries = 16384;
    private const int FilterEntries = 4096;

    private readonly BpfMap _counts;
    private readonly BpfMap? _filter;
    private readonly BpfMap _lost;
    private readonly BpfProgram _program;
    private readonly RawTracepointLink _link;
    private readonly byte[] _keys = new byte[Entries * SyscallCountProgram.KeySize];
    private readonly byte[] _values = new byte[Entries * SyscallCountProgram.ValueSize];
    private long _lastTake;
    private ulong _lostBefore;

    private SyscallRateCounter(BpfMap counts, BpfMap? filter, BpfMap lost, BpfProgram program, RawTracepointLink link)
    {
        _counts = counts;
        _filter = filter;
        _lost = lost;
        _program = program;
        _link = link;
        _lastTake = Stopwatch.GetTimestamp();
    }

    /// <summary>Starts counting, or returns null with the reason it cannot (no BPF privilege, another PID namespace,
    /// a kernel older than 5.6). <paramref name="filterProcesses"/>: count only the processes given to
    /// <see cref="AddProcess"/>.</summary>
    public static SyscallRateCounter? TryStart(bool filterProcesses, out string? whyNot)
    {
        whyNot = null;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            whyNot = "the counting program reads x86_64 system call numbers";
            return null;
        }
        if (!PidNamespace.IsInitial())
        {
            whyNot = "this process runs in a PID namespace of its own (a container), and kernel programs see host thread IDs";
            return null;
        }
        BpfMap? counts = null, filter = null, lost = null;
        BpfProgram? program = null;
        try
        {
            // Not preallocated: creating 16384 entries up front would cost more than the few hundred a sample inserts.
            counts = BpfMap.Create("diag_sc_counts", BpfMapType.Hash, SyscallCountProgram.KeySize, SyscallCountProgram.ValueSize, Entries, Libc.BPF_F_NO_PREALLOC);
            if (filterProcesses) filter = BpfMap.Create("diag_sc_sel", BpfMapType.Hash, 4, 4, FilterEntries);
            lost = BpfMap.Create("diag_sc_lost", BpfMapType.PerCpuArray, 4, 8, 1);
            program = BpfProgram.LoadRawTracepoint("diag_sc_count", SyscallCountProgram.Build(counts, filter, lost));
            var link = RawTracepointLink.Attach(program, "sys_enter");
            return new SyscallRateCounter(counts, filter, lost, program, link);
        }
        catch (SyscallException e)
        {
            whyNot = e.Errno is Errno.EPERM or Errno.EACCES
                ? "loading a BPF program is not permitted (it needs root, or CAP_BPF and CAP_PERFMON)"
                : $"{e.Syscall} failed with {e.ErrnoName}";
            program?.Dispose();
            lost?.Dispose();
            filter?.Dispose();
            counts?.Dispose();
            return null;
        }
    }

    /// <summary>Counts the threads of process <paramref name="processId"/> from now on.</summary>
    public void AddProcess(int processId)
    {
        if (_filter is null) return;
        try
        {
            _filter.Update((uint)processId, 1u);
        }
        catch (SyscallException e) when (e.Errno == Errno.E2BIG)
        {
            // More processes than the filter holds: their threads are not counted (their rates stay empty).
        }
    }

    /// <summary>The calls counted since the last take (or the start), per thread; starts the next interval.</summary>
    public SyscallCounts Take()
    {
        long now = Stopwatch.GetTimestamp();
        int n = _counts.TakeBatch(_keys, _values, Entries);
        var interval = Stopwatch.GetElapsedTime(_lastTake, now);
        _lastTake = now;
        var byThread = new Dictionary<int, ThreadSyscallCount>();
        for (int i = 0; i < n; i++)
        {
            int tid = BinaryPrimitives.ReadInt32LittleEndian(_keys.AsSpan(i * 8));
            int syscall = BinaryPrimitives.ReadInt32LittleEndian(_keys.AsSpan(i * 8 + 4));
            long calls = (long)BinaryPrimitives.ReadUInt64LittleEndian(_values.AsSpan(i * 8));
            byThread.TryGetValue(tid, out var sum);
            bool top = calls > sum.TopCalls || (calls == sum.TopCalls && syscall < sum.TopSyscall);
            byThread[tid] = new ThreadSyscallCount(sum.Calls + calls, top ? syscall : sum.TopSyscall, top ? calls : sum.TopCalls);
        }
        ulong lost = _lost.SumPerCpu(0u);
        long lostNow = (long)(lost - _lostBefore);
        _lostBefore = lost;
        return new SyscallCounts(byThread, interval, lostNow);
    }

    public void Dispose()
    {
        _link.Dispose();
        _program.Dispose();
        _lost.Dispose();
        _filter?.Dispose();
        _counts.Dispose();
    }
}

/// <summary>One thread's calls in one interval: all of them, and the syscall it made most (lowest number on a tie).</summary>
internal readonly record struct ThreadSyscallCount(long Calls, int TopSyscall, long TopCalls);

/// <summary>What one <see cref="SyscallRateCounter.Take"/> moved out of the kernel.</summary>
internal sealed class SyscallCounts(Dictionary<int, ThreadSyscallCount> byThread, TimeSpan interval, long lost)
{
    public IReadOnlyDictionary<int, ThreadSyscallCount> ByThread { get; } = byThread;

    /// <summary>The time the counts cover, from the previous take to this one.</summary>
    public TimeSpan Interval { get; } = interval;

    /// <summary>Calls that could not be counted because the map was full (more thread and syscall pairs than it holds).</summary>
    public long Lost { get; } = lost;
}
