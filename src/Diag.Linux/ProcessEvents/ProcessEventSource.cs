namespace Diag.Linux.ProcessEvents;

/// <summary>Where a watch's events come from.</summary>
public enum ProcessEventSource
{
    /// <summary>eBPF programs on the scheduler's tracepoints: every field read in the kernel as the event happens.</summary>
    Kernel,

    /// <summary>The kernel's process connector (netlink, as forkstat reads it): the event itself from the kernel,
    /// command line, path and working directory read from /proc afterwards (possibly late: <see cref="ProcessEvent.IsLate"/>).</summary>
    ProcessConnector,
}

/// <summary>Which source a watch should use.</summary>
public enum ProcessEventSourceChoice
{
    /// <summary>The kernel's eBPF programs where this session may load them, the process connector otherwise.</summary>
    Auto,
    Kernel,
    ProcessConnector,
}
