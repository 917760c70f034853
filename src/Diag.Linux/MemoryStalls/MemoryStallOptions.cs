using Diag.Linux.ProcFs;

namespace Diag.Linux.MemoryStalls;

/// <summary>What Get-MemoryStall watches and with which sources.</summary>
public sealed class MemoryStallOptions
{
    /// <summary>The processes to report one by one, by PID with their names; null: the whole machine in one report.</summary>
    public IReadOnlyDictionary<int, string>? Processes { get; init; }

    /// <summary>With -Name in -Continuous: the selection, resolved again at each window so that a process started later
    /// (a restarted JVM) is watched from then on.</summary>
    public ProcessSelection? FollowSelection { get; init; }

    /// <summary>The root the machine is read under ("/"; tests point it at a fixture tree).</summary>
    public string Root { get; init; } = "/";

    /// <summary>Per-thread reclaim and compaction times from eBPF; false leaves them out (tests of the fallback).</summary>
    public bool UseTracing { get; init; } = true;
}
