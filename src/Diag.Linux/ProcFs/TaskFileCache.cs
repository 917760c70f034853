using Diag.Linux.Interop;

namespace Diag.Linux.ProcFs;

/// <summary>
/// Keeps a thread's /proc files open between sampling passes, so that later passes read them with one
/// pread each instead of openat + read + close: on a VM an open (and its close) of a /proc task file costs
/// about as much as generating its content. A file is kept open only when the caller says another pass
/// will read it again; otherwise it is read by path, which for a single read is cheaper than open + pread
/// + a later close. Holds at most a quarter of the process's file-descriptor limit; threads beyond that
/// are read by path. Not thread-safe.
/// </summary>
internal sealed unsafe class TaskFileCache : IDisposable
{
    /// <summary>The files cached per thread.</summary>
    public enum File { Stat, SchedStat, Status, Syscall, WaitChannel }

    private const int FilesPerThread = 5;
    private static readonly byte[][] Leaves =
        { "/stat"u8.ToArray(), "/schedstat"u8.ToArray(), "/status"u8.ToArray(), "/syscall"u8.ToArray(), "/wchan"u8.ToArray() };

    private readonly ProcFileReader _reader;
    private readonly Dictionary<int, Entry> _entries = new();
    private readonly List<int> _stale = new();
    private readonly int _maxThreads;
    private int _pass;

    private sealed class Entry
    {
        public readonly SafeFileDescriptor?[] Fds = new SafeFileDescriptor?[FilesPerThread];
        public int Pass;
    }

    public TaskFileCache(ProcFileReader reader)
    {
        _reader = reader;
        Libc.ResourceLimit limit;
        ulong fds = Libc.GetResourceLimit(Libc.RLIMIT_NOFILE, &limit) == 0 ? limit.Current : 1024;
        _maxThreads = (int)Math.Min(fds / 4 / FilesPerThread, 100_000);
    }

    /// <summary>Marks the start of a pass; threads not read during it have their files closed by <see cref="EndPass"/>.</summary>
    public void BeginPass() => _pass++;

    /// <summary>Reads one file of thread <paramref name="tid"/> (a name under <paramref name="taskFd"/>);
    /// returns 0 or the errno (ENOENT/ESRCH: the thread is gone). A file already open is read with pread;
    /// otherwise it is opened and kept when <paramref name="keepOpen"/>, else read by path.</summary>
    public int Read(SafeFileDescriptor taskFd, int tid, File file, bool keepOpen, out ReadOnlySpan<byte> content)
    {
        if (!_entries.TryGetValue(tid, out var entry))
        {
            if (!keepOpen || _entries.Count >= _maxThreads) return _reader.Read(taskFd, tid, Leaves[(int)file], out content);
            entry = new Entry();
            _entries[tid] = entry;
        }
        entry.Pass = _pass;
        ref var fd = ref entry.Fds[(int)file];
        if (fd is not null)
        {
            int readErrno = _reader.ReadOpen(fd, out content);
            if (readErrno != Errno.ESRCH) return readErrno; // 0, or e.g. EACCES: the fd stays
            // The thread this fd belonged to exited; the TID may now name a new thread: open afresh.
            fd.Dispose();
            fd = null;
        }
        if (!keepOpen) return _reader.Read(taskFd, tid, Leaves[(int)file], out content);
        fd = _reader.OpenFile(taskFd, tid, Leaves[(int)file], out int errno);
        if (fd is null)
        {
            content = default;
            return errno;
        }
        return _reader.ReadOpen(fd, out content);
    }

    /// <summary>Closes the files of threads that were not read in this pass (gone, or no longer selected).</summary>
    public void EndPass()
    {
        _stale.Clear();
        foreach (var (tid, entry) in _entries)
            if (entry.Pass != _pass) _stale.Add(tid);
        foreach (int tid in _stale)
        {
            Close(_entries[tid]);
            _entries.Remove(tid);
        }
    }

    private static void Close(Entry entry)
    {
        foreach (var fd in entry.Fds) fd?.Dispose();
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values) Close(entry);
        _entries.Clear();
    }
}
