namespace Diag.Linux.Limits;

/// <summary>How each limit is named and counted: prlimit's name, /proc/PID/limits' label and unit.</summary>
internal sealed record ResourceLimitInfo(ResourceLimitKind Kind, string Name, string Label, string Unit, string Description)
{
    public static readonly ResourceLimitInfo[] All =
    [
        new(ResourceLimitKind.CpuTime, "cpu", "Max cpu time", "seconds", "CPU time"),
        new(ResourceLimitKind.FileSize, "fsize", "Max file size", "bytes", "max file size"),
        new(ResourceLimitKind.Data, "data", "Max data size", "bytes", "max data size"),
        new(ResourceLimitKind.Stack, "stack", "Max stack size", "bytes", "max stack size"),
        new(ResourceLimitKind.CoreFileSize, "core", "Max core file size", "bytes", "max core file size"),
        new(ResourceLimitKind.ResidentSet, "rss", "Max resident set", "bytes", "max resident set size"),
        new(ResourceLimitKind.Processes, "nproc", "Max processes", "processes", "max number of processes"),
        new(ResourceLimitKind.OpenFiles, "nofile", "Max open files", "files", "max number of open files"),
        new(ResourceLimitKind.LockedMemory, "memlock", "Max locked memory", "bytes", "max locked-in-memory address space"),
        new(ResourceLimitKind.AddressSpace, "as", "Max address space", "bytes", "address space limit"),
        new(ResourceLimitKind.FileLocks, "locks", "Max file locks", "locks", "max number of file locks held"),
        new(ResourceLimitKind.PendingSignals, "sigpending", "Max pending signals", "signals", "max number of pending signals"),
        new(ResourceLimitKind.MessageQueue, "msgqueue", "Max msgqueue size", "bytes", "max bytes in POSIX mqueues"),
        new(ResourceLimitKind.NicePriority, "nice", "Max nice priority", "", "max nice prio allowed to raise"),
        new(ResourceLimitKind.RealtimePriority, "rtprio", "Max realtime priority", "", "max real-time priority"),
        new(ResourceLimitKind.RealtimeTimeout, "rttime", "Max realtime timeout", "microseconds", "timeout for real-time tasks"),
    ];

    public static ResourceLimitInfo Of(ResourceLimitKind kind) => All[(int)kind];

    /// <summary>systemd's directive for it (LimitNOFILE), as units and system.conf (Default...) spell it.</summary>
    public string SystemdDirective => "Limit" + Name.ToUpperInvariant();

    /// <summary>Counted in bytes (shown as sizes).</summary>
    public bool IsBytes => Unit == "bytes";
}
