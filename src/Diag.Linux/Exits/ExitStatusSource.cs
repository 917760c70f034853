namespace Diag.Linux.Exits;

/// <summary>Where a process's exit status came from.</summary>
public enum ExitStatusSource
{
    /// <summary>Not known: the kernel offered no source (see the Note).</summary>
    None,

    /// <summary>The pidfd's PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux 6.15+), once its parent reaped it.</summary>
    PidfdInfo,

    /// <summary>The kernel's process connector (netlink CN_IDX_PROC, PROC_EVENT_EXIT): older kernels, root.</summary>
    ProcessConnector,

    /// <summary>The exit_code field of /proc/PID/stat while the process was a zombie, not yet reaped by its parent.</summary>
    ZombieStat,
}

/// <summary>How a process ended.</summary>
public enum ExitReason
{
    /// <summary>It called exit (or returned from main): ExitCode says with what.</summary>
    Exited,

    /// <summary>A signal killed it: Signal says which, CoreDumped whether a core was written.</summary>
    Killed,

    /// <summary>It ended, but its status could not be read.</summary>
    Unknown,
}
