using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Limits;

/// <summary>A process's limits, status and cgroup, read once and kept while a reader works: a process's ancestors
/// are looked at for each of its limits, and shared by the processes of -All.</summary>
internal sealed class ProcessLimitFacts
{
    public required int ProcessId { get; init; }
    public required LimitPair[] Limits { get; init; }
    public required ProcessStatusFacts Status { get; init; }
    public string? Cgroup { get; init; }

    /// <summary>The name as Get-Process shows it (the comm, or the untruncated executable name).</summary>
    public required string Name { get; init; }

    public static ProcessLimitFacts? Read(ProcFileReader reader, SafeFileDescriptor procFd, int pid)
    {
        if (reader.Read(procFd, pid, "limits"u8, out var text) != 0) return null;
        var limits = LimitPair.ParseLimitsFile(text);
        if (limits is null) return null;
        var status = ProcessStatusFacts.Read(reader, procFd, pid);
        if (status is null) return null;
        string? cgroup = reader.Read(procFd, pid, "cgroup"u8, out var cg) == 0 ? System.Text.Encoding.UTF8.GetString(cg) : null;
        var name = ProcessNameResolver.TryResolve(reader, procFd, pid, out var comm, out var untruncated) ? untruncated ?? comm : status.Name;
        return new ProcessLimitFacts { ProcessId = pid, Limits = limits, Status = status, Cgroup = cgroup, Name = name };
    }
}
