using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Limits;

/// <summary>
/// What RLIMIT_NPROC is measured against: the processes and threads of each real user, summed over /proc once (the
/// kernel keeps this count per user but publishes it nowhere). Counted lazily, on the first question, and kept for
/// the reader's lifetime: Get-ProcessLimit -All asks it for every process.
/// </summary>
internal sealed class UserTaskCounter
{
    private readonly ProcFileReader _reader;
    private readonly SafeFileDescriptor _procFd;
    private Dictionary<uint, long>? _counts;

    public UserTaskCounter(ProcFileReader reader, SafeFileDescriptor procFd)
    {
        _reader = reader;
        _procFd = procFd;
    }

    public long TasksOf(uint uid)
    {
        _counts ??= Count();
        return _counts.GetValueOrDefault(uid);
    }

    private Dictionary<uint, long> Count()
    {
        var counts = new Dictionary<uint, long>();
        var pids = new List<int>();
        _reader.ListNumericEntries(_procFd, pids);
        foreach (int pid in pids)
        {
            if (_reader.Read(_procFd, pid, "status"u8, out var status) != 0) continue;
            var uids = StatusText.Numbers(StatusText.ValueOf(status, "\nUid:"u8));
            if (uids.Length == 0) continue;
            long threads = StatusText.FirstNumber(StatusText.ValueOf(status, "\nThreads:"u8));
            counts[uids[0]] = counts.GetValueOrDefault(uids[0]) + Math.Max(1, threads);
        }
        return counts;
    }
}
