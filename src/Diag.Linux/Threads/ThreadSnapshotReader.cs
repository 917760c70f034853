using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.Netlink;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Threads;

/// <summary>
/// One pass over the threads of a <see cref="ThreadSelection"/>. A light pass reads what deltas need; a
/// full pass also reads what the sample shows about each thread's state. Where BPF is allowed (root, or
/// CAP_BPF and CAP_PERFMON) a task iterator returns everything in one pass (ThreadSnapshotReader.TaskIterator.cs);
/// otherwise with taskstats (CAP_NET_ADMIN) the counters come from batched netlink queries and a light pass
/// opens no file per thread; otherwise from stat, schedstat and status. Every file is read at most once per
/// thread per pass. A thread or process that vanishes between two reads is skipped: that is normal.
/// </summary>
internal sealed unsafe partial class ThreadSnapshotReader : IDisposable
{
    private readonly ProcFileReader _reader = new();
    private readonly TaskFileCache _files;
    private readonly SafeFileDescriptor _procFd;
    private readonly List<int> _pids = new();
    private readonly List<int> _tids = new();
    private readonly Dictionary<ulong, string> _names = new();
    private readonly TaskstatsClient? _taskstats;
    private readonly Kernel.ThreadIterator? _iterator;
    private TaskAccounting[] _accounting = new TaskAccounting[64];
    private long[] _queryTimes = new long[64];
    private bool _noSchedstat;

    /// <summary>Opens <c>{rootPath}/proc</c>. The best source up to <paramref name="sources"/> that the kernel
    /// grants is used, and the kernel's own (the task iterator, taskstats) only for the real /proc.
    /// <paramref name="filterProcesses"/>: the selection names processes by ID, which the task iterator then
    /// filters in the kernel.</summary>
    public ThreadSnapshotReader(string rootPath, ThreadSources sources = ThreadSources.TaskIterator, bool filterProcesses = false)
    {
        string procPath = Path.Combine(rootPath, "proc");
        _procFd = _reader.OpenDirectory(procPath, out int errno) ?? throw new SyscallException("open", errno, procPath);
        Clock = KernelClock.Read(_reader, procPath);
        _files = new TaskFileCache(_reader);
        bool live = Path.GetFullPath(rootPath) == "/";
        if (sources < ThreadSources.TaskIterator) IteratorUnusedReason = "the /proc and taskstats paths were asked for";
        else if (!live) IteratorUnusedReason = $"{procPath} is not the live /proc";
        else
        {
            _iterator = Kernel.ThreadIterator.TryOpen(filterProcesses, out string? whyNot);
            IteratorUnusedReason = whyNot;
        }
        if (sources < ThreadSources.Taskstats) TaskstatsUnusedReason = "the /proc path was asked for";
        else if (!live) TaskstatsUnusedReason = $"{procPath} is not the live /proc";
        else if (_iterator is null)
        {
            _taskstats = TaskstatsClient.TryOpen(out string? whyNot);
            TaskstatsUnusedReason = whyNot;
        }
    }

    /// <summary>Why the task iterator is not used (null when it is).</summary>
    public string? IteratorUnusedReason { get; }

    /// <summary>True when every pass is one pass of the BPF task iterator.</summary>
    public bool UsesTaskIterator => _iterator is not null;

    /// <summary>Why taskstats is not used (null when it is, or when the task iterator makes it needless): e.g.
    /// EPERM without CAP_NET_ADMIN.</summary>
    public string? TaskstatsUnusedReason { get; }

    /// <summary>True when thread counters come from taskstats rather than /proc files.</summary>
    public bool UsesTaskstats => _taskstats is not null;

    public KernelClock Clock { get; }

    /// <summary>Fills <paramref name="into"/>. <paramref name="missing"/> (if given) receives requested PIDs
    /// that do not exist; <paramref name="patternMatched"/> (if given) is set for name patterns that matched.
    /// <paramref name="keepFilesOpen"/>: another pass follows, so files read now are kept open for it.</summary>
    public void Read(ThreadSelection selection, bool full, ThreadSnapshot into, List<int>? missing, bool[]? patternMatched,
        bool keepFilesOpen = true)
    {
        into.Clear();
        into.StartTimestamp = Stopwatch.GetTimestamp();
        into.StartBootTicks = BootTicksNow();
        if (_iterator is not null)
        {
            ReadWithIterator(selection, full, into, missing, patternMatched);
            return;
        }
        _files.BeginPass();
        try
        {
            ReadSelected(selection, full, keepFilesOpen, into, missing, patternMatched);
        }
        finally
        {
            _files.EndPass();
        }
    }

    private void ReadSelected(ThreadSelection selection, bool full, bool keepOpen, ThreadSnapshot into, List<int>? missing, bool[]? patternMatched)
    {
        if (selection.Processes.ProcessIds is { } requested)
        {
            foreach (int pid in requested)
            {
                int errno = ReadProcess(pid, selection.ThreadIds, full, keepOpen, into);
                if (errno != 0 && missing is not null) missing.Add(pid);
            }
            return;
        }

        _pids.Clear();
        _reader.ListNumericEntries(_procFd, _pids);
        var patterns = selection.Processes.Names;
        foreach (int pid in _pids)
        {
            if (patterns is not null)
            {
                if (!patterns.Match(_reader, _procFd, pid, patternMatched, out var name)) continue;
                into.ProcessNames[pid] = name;
            }
            ReadProcess(pid, selection.ThreadIds, full, keepOpen, into);
        }
    }

    /// <summary>The name of process <paramref name="pid"/> (untruncated when possible), or null when it is gone.</summary>
    public string? ReadProcessName(int pid) =>
        ProcessNameResolver.TryResolve(_reader, _procFd, pid, out string comm, out string? untruncated) ? untruncated ?? comm : null;

    /// <summary>Reads the threads of one process; returns 0, or the errno when the process does not exist.</summary>
    private int ReadProcess(int pid, IReadOnlySet<int>? threadIds, bool full, bool keepOpen, ThreadSnapshot into)
    {
        using var taskFd = _reader.OpenDirectory(_procFd, pid, "task"u8, out int errno);
        if (taskFd is null) return errno;
        {
            _tids.Clear();
            _reader.ListNumericEntries(taskFd, _tids);
            if (threadIds is not null) KeepOnly(_tids, threadIds);
            into.Threads.EnsureCapacity(into.Threads.Count + _tids.Count); // no rehashing while a pass fills it
            if (_taskstats is not null) ReadThreadsWithTaskstats(taskFd, pid, full, keepOpen, into);
            else
            {
                foreach (int tid in _tids)
                    if (TryReadThreadFromProc(taskFd, pid, tid, full, keepOpen, out var reading)) Add(into, reading);
            }
            return 0;
        }
    }

    private static void KeepOnly(List<int> tids, IReadOnlySet<int> keep)
    {
        int kept = 0;
        for (int i = 0; i < tids.Count; i++)
            if (keep.Contains(tids[i])) tids[kept++] = tids[i];
        tids.RemoveRange(kept, tids.Count - kept);
    }

    private static void Add(ThreadSnapshot into, in ThreadReading reading)
    {
        into.Threads.TryAdd(reading.ThreadId, reading);
        if (reading.AccessDenied) into.DeniedProcessIds.Add(reading.ProcessId);
    }

    /// <summary>
    /// The taskstats path: the counters of every thread of the process come from batched taskstats queries
    /// (no /proc file per thread in a light pass). A full pass adds stat (state, CPU, priority, name, start),
    /// syscall and wchan of threads not running, and the namespace IDs: from the process's status once,
    /// and from each thread's status only when the process lives in a nested PID namespace.
    /// </summary>
    private void ReadThreadsWithTaskstats(SafeFileDescriptor taskFd, int pid, bool full, bool keepOpen, ThreadSnapshot into)
    {
        int count = _tids.Count;
        if (_accounting.Length < count)
        {
            _accounting = new TaskAccounting[Math.Max(count, _accounting.Length * 2)];
            _queryTimes = new long[_accounting.Length];
        }
        _taskstats!.Query(CollectionsMarshal.AsSpan(_tids), _accounting.AsSpan(0, count), _queryTimes.AsSpan(0, count));

        TaskStatusFields process = default;
        if (full)
        {
            if (_reader.Read(_procFd, pid, "status"u8, out var content) != 0) return; // the process is gone
            process = TaskStatusFields.Parse(content);
        }

        long ticksPerMicrosecond = Stopwatch.Frequency / 1_000_000;
        for (int i = 0; i < count; i++)
        {
            int tid = _tids[i];
            ref readonly var accounting = ref _accounting[i];
            if (accounting.Errno == Errno.ESRCH) continue; // exited since the listing
            if (accounting.Errno != 0)
            {
                // A reply lost to a full socket buffer, or a kernel oddity: this thread alone goes by /proc.
                if (TryReadThreadFromProc(taskFd, pid, tid, full, keepOpen, out var fallback)) Add(into, fallback);
                continue;
            }
            long timestamp = _queryTimes[i];
            var reading = new ThreadReading
            {
                ProcessId = pid,
                ThreadId = tid,
                Timestamp = timestamp,
                Source = CpuTimeSource.Taskstats,
                RunNanoseconds = accounting.RunNanoseconds,
                UserTime = TimeSpan.FromTicks(accounting.UserMicroseconds * 10),
                SystemTime = TimeSpan.FromTicks(accounting.SystemMicroseconds * 10),
                MinorFaults = accounting.MinorFaults,
                MajorFaults = accounting.MajorFaults,
                VoluntaryContextSwitches = accounting.VoluntaryContextSwitches,
                InvoluntaryContextSwitches = accounting.InvoluntaryContextSwitches,
                StartTicks = -1,
                StartTimestamp = timestamp - accounting.ElapsedMicroseconds * ticksPerMicrosecond,
            };
            if (full)
            {
                if (!TryReadStat(taskFd, tid, full: true, keepOpen, out var stat, out string? name)) continue;
                if (!TryReadSyscallAndWaitChannel(taskFd, tid, stat, keepOpen, out var syscall, out string? wchan, out bool denied)) continue;
                int namespaceTid = tid;
                if (process.InNestedPidNamespace)
                {
                    if (_files.Read(taskFd, tid, TaskFileCache.File.Status, keepOpen, out var content) != 0) continue;
                    namespaceTid = TaskStatusFields.Parse(content).NamespaceThreadId;
                }
                reading = reading with
                {
                    StartTicks = stat.StartTicks,
                    Full = true,
                    State = stat.State,
                    Processor = stat.Processor,
                    Priority = stat.Priority,
                    Nice = stat.Nice,
                    NamespaceProcessId = process.NamespaceThreadGroupId,
                    NamespaceThreadId = namespaceTid,
                    Name = name,
                    Syscall = syscall,
                    WaitChannel = wchan,
                    AccessDenied = denied,
                    IsKernelThread = stat.IsKernelThread,
                };
            }
            Add(into, reading);
        }
    }

    /// <summary>The /proc path: stat, schedstat and status per thread, plus syscall and wchan in a full pass.</summary>
    private bool TryReadThreadFromProc(SafeFileDescriptor taskFd, int pid, int tid, bool full, bool keepOpen, out ThreadReading reading)
    {
        reading = default;
        long timestamp = Stopwatch.GetTimestamp();
        if (!TryReadStat(taskFd, tid, full, keepOpen, out var stat, out string? name)) return false;

        long runNs = -1;
        if (!_noSchedstat)
        {
            int errno = _files.Read(taskFd, tid, TaskFileCache.File.SchedStat, keepOpen, out var schedstat);
            if (errno == 0) TaskSchedStat.TryParseRunTime(schedstat, out runNs);
            else if (errno != Errno.ENOENT && errno != Errno.ESRCH) return false;
        }

        if (_files.Read(taskFd, tid, TaskFileCache.File.Status, keepOpen, out var content) != 0) return false; // gone
        var status = TaskStatusFields.Parse(content);
        // stat and status read fine but schedstat was missing: the kernel has no CONFIG_SCHED_INFO.
        if (runNs < 0 && !_noSchedstat) _noSchedstat = true;

        TaskSyscall? syscall = null;
        string? wchan = null;
        bool denied = false;
        if (full && !TryReadSyscallAndWaitChannel(taskFd, tid, stat, keepOpen, out syscall, out wchan, out denied)) return false;

        reading = new ThreadReading
        {
            ProcessId = status.ThreadGroupId > 0 ? status.ThreadGroupId : pid,
            ThreadId = tid,
            Timestamp = timestamp,
            Source = runNs >= 0 ? CpuTimeSource.Schedstat : CpuTimeSource.ClockTicks,
            RunNanoseconds = runNs,
            UserTime = Clock.TicksToTime(stat.UserTicks),
            SystemTime = Clock.TicksToTime(stat.SystemTicks),
            MinorFaults = stat.MinorFaults,
            MajorFaults = stat.MajorFaults,
            VoluntaryContextSwitches = status.VoluntaryContextSwitches,
            InvoluntaryContextSwitches = status.InvoluntaryContextSwitches,
            StartTicks = stat.StartTicks,
            StartTimestamp = -1,
            Full = full,
            State = stat.State,
            Processor = stat.Processor,
            Priority = stat.Priority,
            Nice = stat.Nice,
            NamespaceProcessId = status.NamespaceThreadGroupId,
            NamespaceThreadId = status.NamespaceThreadId,
            Name = name,
            Syscall = syscall,
            WaitChannel = wchan,
            AccessDenied = denied,
            IsKernelThread = stat.IsKernelThread,
        };
        return true;
    }

    /// <summary>Reads and parses stat; false when the thread is gone. The name is returned only in full passes.</summary>
    private bool TryReadStat(SafeFileDescriptor taskFd, int tid, bool full, bool keepOpen, out TaskStat stat, out string? name)
    {
        name = null;
        stat = default;
        if (_files.Read(taskFd, tid, TaskFileCache.File.Stat, keepOpen, out var content) != 0) return false;
        if (!TaskStat.TryParse(content, out stat, out var nameBytes)) return false;
        // stat's name field is the task's comm, byte for byte what /proc/…/comm holds (both print
        // task->comm unescaped), so reading comm as well would only cost another file per thread.
        if (full) name = Intern(nameBytes);
        return true;
    }

    /// <summary>What the thread is blocked in; false when it is gone.</summary>
    private bool TryReadSyscallAndWaitChannel(SafeFileDescriptor taskFd, int tid, in TaskStat stat, bool keepOpen,
        out TaskSyscall? syscall, out string? wchan, out bool denied)
    {
        syscall = null;
        wchan = null;
        denied = false;
        if (stat.IsKernelThread)
        {
            // A kernel thread's syscall file reads "0 0x0 ...": not read(2), just no user context. Its
            // wait channel (worker_thread, smpboot_thread_fn) is what it waits in.
            if (stat.State != (byte)'R' && _files.Read(taskFd, tid, TaskFileCache.File.WaitChannel, keepOpen, out var kernelWchan) == 0)
                wchan = ParseWaitChannel(kernelWchan);
            return true;
        }
        if (stat.State == (byte)'R')
        {
            // The syscall file answers "running" for any runnable thread (task_current_syscall gives
            // up on TASK_RUNNING) and wchan is 0 for it: no need to read either.
            syscall = new TaskSyscall(TaskSyscallKind.Running, -1);
            return true;
        }
        int errno = _files.Read(taskFd, tid, TaskFileCache.File.Syscall, keepOpen, out var content);
        if (errno == 0)
        {
            if (TaskSyscall.TryParse(content, out var parsed)) syscall = parsed;
            // wchan prints "0" both when there is none and when ptrace access is denied, so it is
            // trusted only when syscall (which needs stronger access) was readable.
            if (_files.Read(taskFd, tid, TaskFileCache.File.WaitChannel, keepOpen, out content) == 0) wchan = ParseWaitChannel(content);
            return true;
        }
        if (errno is Errno.EACCES or Errno.EPERM) { denied = true; return true; }
        return errno == Errno.ENOENT && !ThreadGone(taskFd, tid);
    }

    /// <summary>A missing syscall file means either the thread exited or the kernel lacks
    /// CONFIG_HAVE_ARCH_TRACEHOOK; stat tells which.</summary>
    private bool ThreadGone(SafeFileDescriptor taskFd, int tid) => _reader.Read(taskFd, tid, "/stat"u8, out _) != 0;

    private string? ParseWaitChannel(ReadOnlySpan<byte> content)
    {
        content = ProcNumber.TrimEnd(content);
        if (content.IsEmpty || content.SequenceEqual("0"u8)) return null;
        return Intern(content);
    }

    /// <summary>Thread names and wait channels repeat across threads and samples: share the strings
    /// (keyed by an FNV-1a hash of the bytes, checked against the cached string).</summary>
    private string Intern(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes) hash = (hash ^ b) * 1099511628211UL;
        Span<char> chars = stackalloc char[bytes.Length];
        int n = Encoding.UTF8.GetChars(bytes, chars);
        if (_names.TryGetValue(hash, out var cached) && cached.AsSpan().SequenceEqual(chars[..n])) return cached;
        var s = new string(chars[..n]);
        if (_names.Count < 65536) _names[hash] = s;
        return s;
    }

    private long BootTicksNow()
    {
        Libc.TimeSpec now;
        if (Libc.ClockGetTime(Libc.CLOCK_BOOTTIME, &now) != 0) return long.MaxValue;
        return now.Seconds * Clock.TicksPerSecond + now.Nanoseconds / (1_000_000_000 / Clock.TicksPerSecond);
    }

    public void Dispose()
    {
        _iterator?.Dispose();
        _taskstats?.Dispose();
        _files.Dispose();
        _procFd.Dispose();
        _reader.Dispose();
    }
}
