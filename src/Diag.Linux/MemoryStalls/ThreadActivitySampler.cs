using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.Netlink;
using Diag.Linux.ProcFs;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Reads every thread of some processes (or of the machine): its name, major faults (page faults that had to read from
/// disk or swap) and, when delay accounting is on and taskstats is usable (root or CAP_NET_ADMIN), the time it waited
/// for reclaim, thrashing, compaction, swap-in and block I/O. Two samples make a window. A process or thread that exits
/// between two reads is skipped: that is normal. Not thread-safe.
/// </summary>
internal sealed class ThreadActivitySampler : IDisposable
{
    private readonly ProcFileReader _reader = new();
    private readonly SafeFileDescriptor _procFd;
    private readonly TaskstatsClient? _taskstats;
    private readonly List<int> _pids = new();
    private readonly List<int> _tids = new();

    /// <summary>Opens {root}/proc; taskstats is used only when <paramref name="withDelays"/> and the root is the live one
    /// (taskstats answers for this machine's IDs).</summary>
    public ThreadActivitySampler(string root, bool withDelays)
    {
        var procPath = CgroupLocation.Combine(root, "/proc");
        _procFd = _reader.OpenDirectory(procPath, out int errno) ?? throw new SyscallException("open", errno, procPath);
        if (withDelays && root == "/")
        {
            _taskstats = TaskstatsClient.TryOpen(out var whyNot);
            TaskstatsUnusedReason = whyNot;
        }
        else TaskstatsUnusedReason = withDelays ? "the /proc read is not the live one" : null;
    }

    /// <summary>True when the delays come from taskstats.</summary>
    public bool ReadsDelays => _taskstats is not null;

    /// <summary>Why taskstats is not used, when delays were wanted (EPERM without CAP_NET_ADMIN…).</summary>
    public string? TaskstatsUnusedReason { get; }

    /// <summary>The threads of <paramref name="processIds"/>, or of every process when null, by thread id.</summary>
    public Dictionary<int, ThreadActivity> Sample(IReadOnlyCollection<int>? processIds)
    {
        var result = new Dictionary<int, ThreadActivity>();
        IEnumerable<int> pids;
        if (processIds is null)
        {
            _pids.Clear();
            _reader.ListNumericEntries(_procFd, _pids);
            pids = _pids;
        }
        else pids = processIds;
        foreach (var pid in pids.ToArray())
            ReadProcess(pid, result);
        if (_taskstats is not null && result.Count > 0) AddDelays(result);
        return result;
    }

    private void ReadProcess(int pid, Dictionary<int, ThreadActivity> into)
    {
        using var taskFd = _reader.OpenAndListDirectory(_procFd, pid, "task"u8, _tids, out _);
        if (taskFd is null) return;
        foreach (var tid in _tids)
        {
            if (_reader.Read(taskFd, tid, "stat"u8, out var content) != 0) continue;
            if (!TaskStat.TryParse(content, out var stat, out var name)) continue;
            into[tid] = new ThreadActivity(pid, tid, Encoding.UTF8.GetString(name), stat.IsKernelThread, stat.MajorFaults, null);
        }
    }

    private void AddDelays(Dictionary<int, ThreadActivity> threads)
    {
        var tids = threads.Keys.ToArray();
        var accounting = new TaskAccounting[tids.Length];
        var times = new long[tids.Length];
        _taskstats!.Query(tids, accounting, times);
        for (int i = 0; i < tids.Length; i++)
            if (accounting[i].Errno == 0)
                threads[tids[i]] = threads[tids[i]] with { Delays = accounting[i] };
    }

    /// <summary>The name of a process (untruncated when the comm is cut at 15 characters), or null when it is gone.</summary>
    public string? ProcessName(int pid) =>
        ProcessNameResolver.TryResolve(_reader, _procFd, pid, out var comm, out var untruncated) ? untruncated ?? comm : null;

    /// <summary>True while thread <paramref name="tid"/> exists (in any process).</summary>
    public bool ThreadExists(int tid) => _reader.Read(_procFd, tid, "stat"u8, out _) == 0;

    public void Dispose()
    {
        _taskstats?.Dispose();
        _procFd.Dispose();
        _reader.Dispose();
    }
}
