using System.Diagnostics;
using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Threads;

/// <summary>
/// One pass over /proc for a <see cref="ThreadSelection"/>. A light pass reads what deltas need
/// (stat, schedstat, status); a full pass also reads syscall and wchan. Every file is read once per
/// thread per pass. A thread or process that vanishes between two reads is skipped: that is normal.
/// </summary>
internal sealed unsafe class ThreadSnapshotReader : IDisposable
{
    private readonly ProcFileReader _reader = new();
    private readonly TaskFileCache _files;
    private readonly int _procFd;
    private readonly List<int> _pids = new();
    private readonly List<int> _tids = new();
    private readonly Dictionary<ulong, string> _names = new();
    private bool _noSchedstat;

    public ThreadSnapshotReader(string rootPath)
    {
        string procPath = Path.Combine(rootPath, "proc");
        _procFd = _reader.OpenDirectory(procPath);
        if (_procFd < 0) throw new SyscallException("open", -_procFd, procPath);
        Clock = KernelClock.Read(_reader, procPath);
        _files = new TaskFileCache(_reader);
    }

    public KernelClock Clock { get; }

    /// <summary>Fills <paramref name="into"/>. <paramref name="missing"/> (if given) receives requested PIDs
    /// that do not exist; <paramref name="patternMatched"/> (if given) is set for name patterns that matched.</summary>
    public void Read(ThreadSelection selection, bool full, ThreadSnapshot into, List<int>? missing, bool[]? patternMatched)
    {
        into.Clear();
        into.StartTimestamp = Stopwatch.GetTimestamp();
        into.StartBootTicks = BootTicksNow();
        _files.BeginPass();
        try
        {
            ReadSelected(selection, full, into, missing, patternMatched);
        }
        finally
        {
            _files.EndPass();
        }
    }

    private void ReadSelected(ThreadSelection selection, bool full, ThreadSnapshot into, List<int>? missing, bool[]? patternMatched)
    {
        if (selection.ProcessIds is { } requested)
        {
            foreach (int pid in requested)
            {
                int errno = ReadProcess(pid, selection.ThreadIds, full, into);
                if (errno != 0 && missing is not null) missing.Add(pid);
            }
            return;
        }

        _pids.Clear();
        _reader.ListNumericEntries(_procFd, _pids);
        var patterns = selection.NamePatterns;
        foreach (int pid in _pids)
        {
            if (patterns is not null)
            {
                if (!ProcessNameResolver.TryResolve(_reader, _procFd, pid, out string comm, out string? untruncated)) continue;
                bool any = false;
                for (int i = 0; i < patterns.Count; i++)
                {
                    if (patterns[i](comm) || (untruncated is not null && patterns[i](untruncated)))
                    {
                        any = true;
                        if (patternMatched is not null) patternMatched[i] = true;
                    }
                }
                if (!any) continue;
                into.ProcessNames[pid] = untruncated ?? comm;
            }
            ReadProcess(pid, selection.ThreadIds, full, into);
        }
    }

    /// <summary>The name of process <paramref name="pid"/> (untruncated when possible), or null when it is gone.</summary>
    public string? ReadProcessName(int pid) =>
        ProcessNameResolver.TryResolve(_reader, _procFd, pid, out string comm, out string? untruncated) ? untruncated ?? comm : null;

    /// <summary>Reads the threads of one process; returns 0, or the errno when the process does not exist.</summary>
    private int ReadProcess(int pid, IReadOnlySet<int>? threadIds, bool full, ThreadSnapshot into)
    {
        int taskFd = _reader.OpenDirectory(_procFd, pid, "task"u8);
        if (taskFd < 0) return -taskFd;
        try
        {
            _tids.Clear();
            _reader.ListNumericEntries(taskFd, _tids);
            foreach (int tid in _tids)
            {
                if (threadIds is not null && !threadIds.Contains(tid)) continue;
                if (TryReadThread(taskFd, pid, tid, full, out var reading))
                {
                    into.Threads.TryAdd(tid, reading);
                    if (reading.AccessDenied) into.SomeFieldsUnreadable = true;
                }
            }
            return 0;
        }
        finally
        {
            Libc.Close(taskFd);
        }
    }

    private bool TryReadThread(int taskFd, int pid, int tid, bool full, out ThreadReading reading)
    {
        reading = default;
        long timestamp = Stopwatch.GetTimestamp();
        if (_files.Read(taskFd, tid, TaskFileCache.File.Stat, out var content) != 0) return false;
        if (!TaskStat.TryParse(content, out var stat, out var nameBytes)) return false;
        // stat's name field is the task's comm, byte for byte what /proc/…/comm holds (both print
        // task->comm unescaped), so reading comm as well would only cost a fourth file per thread.
        string? name = full ? Intern(nameBytes) : null;

        long runNs = -1;
        if (!_noSchedstat)
        {
            int errno = _files.Read(taskFd, tid, TaskFileCache.File.SchedStat, out content);
            if (errno == 0) TaskSchedStat.TryParseRunTime(content, out runNs);
            else if (errno != Errno.ENOENT && errno != Errno.ESRCH) return false;
        }

        int statusErrno = _files.Read(taskFd, tid, TaskFileCache.File.Status, out content);
        if (statusErrno != 0) return false; // gone
        var status = TaskStatusFields.Parse(content);
        // stat and status read fine but schedstat was missing: the kernel has no CONFIG_SCHED_INFO.
        if (runNs < 0 && !_noSchedstat) _noSchedstat = true;

        TaskSyscall? syscall = null;
        string? wchan = null;
        bool denied = false;
        if (full && stat.State == (byte)'R')
        {
            // The syscall file answers "running" for any runnable thread (task_current_syscall gives
            // up on TASK_RUNNING) and wchan is 0 for it: no need to read either.
            syscall = new TaskSyscall(TaskSyscallKind.Running, -1);
        }
        else if (full)
        {
            int errno = _reader.Read(taskFd, tid, "/syscall"u8, out content);
            if (errno == 0)
            {
                if (TaskSyscall.TryParse(content, out var parsed)) syscall = parsed;
                // wchan prints "0" both when there is none and when ptrace access is denied, so it is
                // trusted only when syscall (which needs stronger access) was readable.
                if (_reader.Read(taskFd, tid, "/wchan"u8, out content) == 0) wchan = ParseWaitChannel(content);
            }
            else if (errno is Errno.EACCES or Errno.EPERM) denied = true;
            else if (errno != Errno.ENOENT || ThreadGone(taskFd, tid)) return false;
        }

        reading = new ThreadReading
        {
            ProcessId = status.ThreadGroupId > 0 ? status.ThreadGroupId : pid,
            ThreadId = tid,
            Timestamp = timestamp,
            Stat = stat,
            RunNanoseconds = runNs,
            Status = status,
            Name = name,
            Syscall = syscall,
            WaitChannel = wchan,
            AccessDenied = denied,
        };
        return true;
    }

    /// <summary>A missing syscall file means either the thread exited or the kernel lacks
    /// CONFIG_HAVE_ARCH_TRACEHOOK; stat tells which.</summary>
    private bool ThreadGone(int taskFd, int tid) => _reader.Read(taskFd, tid, "/stat"u8, out _) != 0;

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
        _files.Dispose();
        Libc.Close(_procFd);
        _reader.Dispose();
    }
}
