using Diag.Linux.CoreDumps;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Limits;

/// <summary>
/// Reads processes' resource limits from /proc/PID/limits (readable for every process, where prlimit(2) on another
/// user's process needs CAP_SYS_RESOURCE), measures each against what the kernel counts for it, judges it, and finds
/// where it came from. Not thread-safe: one reader per cmdlet, which keeps what it read of shared ancestors.
/// </summary>
public sealed class ProcessLimitReader : IDisposable
{
    private readonly ProcFileReader _reader = new();
    private readonly SafeFileDescriptor _procFd;
    private readonly Dictionary<int, ProcessLimitFacts?> _facts = new();
    private readonly UserTaskCounter _tasks;
    private readonly LimitOriginFinder _origins;
    private readonly long _ticksPerSecond;
    private readonly List<int> _scratch = new();

    /// <summary>Reads the machine under <paramref name="rootPath"/> ("/" normally; a fixture tree in tests). Throws
    /// <see cref="SyscallException"/> when its /proc cannot be opened.</summary>
    public ProcessLimitReader(string rootPath = "/")
    {
        var machine = new MachineRoot(rootPath);
        var procPath = machine.PathOf("/proc");
        _procFd = _reader.OpenDirectory(procPath, out int errno) ?? throw new SyscallException("open", errno, procPath);
        _tasks = new UserTaskCounter(_reader, _procFd);
        _origins = new LimitOriginFinder(machine, FactsOf, new AccountDatabase(machine));
        _ticksPerSecond = Math.Max(1, Libc.SysConf(Libc._SC_CLK_TCK));
    }

    /// <summary>The sixteen limits of one process, in the kernel's order; an empty <paramref name="processName"/> is read
    /// from /proc.</summary>
    public ProcessLimitResult Read(int pid, string processName)
    {
        var facts = FactsOf(pid);
        if (facts is null) return new ProcessLimitResult(pid, processName, [], $"Process {pid} ({processName}) exited before its limits were read.", false);
        if (facts.Status.IsZombie)
            return new ProcessLimitResult(pid, processName, [],
                $"Process {pid} ({processName}) is a zombie: it has exited and waits for its parent ({facts.Status.ParentId}) to collect it; its limits no longer apply.", false);

        if (processName.Length == 0) processName = facts.Name;
        var timestamp = DateTime.Now;
        var parent = facts.Status.ParentId > 0 ? FactsOf(facts.Status.ParentId) : null;
        bool fdDenied = false;
        var rows = new List<ProcessLimit>(ResourceLimitInfo.All.Length);
        foreach (var info in ResourceLimitInfo.All)
        {
            var limit = facts.Limits[(int)info.Kind];
            ulong? used = Usage(info.Kind, pid, facts, ref fdDenied);
            var (status, note) = LimitAdvice.Judge(info, limit, used, processName, facts.Status.RealUid);
            var origin = _origins.Find(facts, info.Kind);
            var (now, lasting) = LimitAdvice.Changes(info, limit, used, status, pid, processName, origin);
            var parentLimit = parent?.Limits[(int)info.Kind];
            rows.Add(new ProcessLimit(pid, processName, info, limit.Soft, limit.Hard, used, status, note, origin,
                parent is null ? null : parent.ProcessId, parent?.Name ?? "", parentLimit?.Soft, parentLimit?.Hard, now, lasting, timestamp));
        }
        return new ProcessLimitResult(pid, processName, rows, null, fdDenied);
    }

    /// <summary>The limits with a known use of every process (kernel threads and zombies left out), the least headroom
    /// (highest share used) first. <paramref name="progress"/> gets (done, total).</summary>
    public IReadOnlyList<ProcessLimit> ReadAll(CancellationToken cancellationToken, Action<int, int>? progress, out int unreadableDescriptors)
    {
        unreadableDescriptors = 0;
        var pids = new List<int>();
        _reader.ListNumericEntries(_procFd, pids);
        pids.Sort();
        var rows = new List<ProcessLimit>();
        for (int i = 0; i < pids.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested) break;
            if (i % 64 == 0) progress?.Invoke(i, pids.Count);
            var facts = FactsOf(pids[i]);
            if (facts is null || facts.Status.IsZombie || facts.Status.IsKernelThread) continue;
            var result = Read(pids[i], facts.Name);
            if (result.DescriptorsUnreadable) unreadableDescriptors++;
            rows.AddRange(result.Limits.Where(l => l.Used is not null));
        }
        progress?.Invoke(pids.Count, pids.Count);
        return ByLeastHeadroom(rows);
    }

    /// <summary>Highest share used first; TooHigh limits (whose share is tiny) keep their place by share.</summary>
    public static IReadOnlyList<ProcessLimit> ByLeastHeadroom(IEnumerable<ProcessLimit> limits) =>
        limits.OrderByDescending(l => l.UsedPercent ?? -1).ThenBy(l => l.ProcessId).ThenBy(l => l.Resource).ToList();

    private ulong? Usage(ResourceLimitKind kind, int pid, ProcessLimitFacts facts, ref bool fdDenied)
    {
        var s = facts.Status;
        switch (kind)
        {
            case ResourceLimitKind.OpenFiles:
                using (var fd = _reader.OpenAndListDirectory(_procFd, pid, "fd"u8, _scratch, out int errno))
                {
                    if (fd is not null) return (ulong)_scratch.Count;
                    if (errno is Errno.EACCES or Errno.EPERM) fdDenied = true;
                    return null;
                }
            // Not enforced for root: its count (a walk over every process) would only add noise to -All.
            case ResourceLimitKind.Processes: return s.RealUid == 0 ? null : (ulong)_tasks.TasksOf(s.RealUid);
            case ResourceLimitKind.LockedMemory: return (ulong?)s.Locked;
            case ResourceLimitKind.PendingSignals: return (ulong?)s.QueuedSignals;
            case ResourceLimitKind.AddressSpace: return (ulong?)s.AddressSpace;
            case ResourceLimitKind.Stack: return (ulong?)s.Stack;
            case ResourceLimitKind.Data: return (ulong?)s.Data;
            case ResourceLimitKind.CpuTime: return s.CpuTicks is { } t ? (ulong)(t / _ticksPerSecond) : null;
            default: return null;
        }
    }

    private ProcessLimitFacts? FactsOf(int pid)
    {
        if (!_facts.TryGetValue(pid, out var facts)) _facts[pid] = facts = ProcessLimitFacts.Read(_reader, _procFd, pid);
        return facts;
    }

    public void Dispose()
    {
        _procFd.Dispose();
        _reader.Dispose();
    }
}
