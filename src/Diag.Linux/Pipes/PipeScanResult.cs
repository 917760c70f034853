namespace Diag.Linux.Pipes;

/// <summary>What one <see cref="PipePeerFinder.Find"/> found, and what it could not look at.</summary>
public sealed class PipeScanResult
{
    /// <summary>The endpoints, ordered by process ID and descriptor.</summary>
    public IReadOnlyList<PipeEndpoint> Endpoints { get; internal init; } = Array.Empty<PipeEndpoint>();

    /// <summary>Requested PIDs with no such process.</summary>
    public IReadOnlyList<int> MissingProcessIds { get; internal init; } = Array.Empty<int>();

    /// <summary>Requested PIDs whose descriptors this user may not read.</summary>
    public IReadOnlyList<int> DeniedProcessIds { get; internal init; } = Array.Empty<int>();

    /// <summary>Indexes of name patterns that matched no process.</summary>
    public IReadOnlyList<int> UnmatchedNamePatterns { get; internal init; } = Array.Empty<int>();

    /// <summary>Requested inodes that no inspected process holds.</summary>
    public IReadOnlyList<long> UnmatchedInodes { get; internal init; } = Array.Empty<long>();

    /// <summary>Requested descriptors of processes asked for by PID that are not pipes, FIFOs or Unix sockets: what
    /// they are open on (the /proc/PID/fd link, e.g. /var/log/app.log, or socket:[123] for a TCP socket), or "not open".</summary>
    public IReadOnlyList<OtherDescriptor> OtherDescriptors { get; internal init; } = Array.Empty<OtherDescriptor>();

    /// <summary>Processes whose descriptors could not be read (not permitted): their ends of pipes and sockets
    /// are missing, so a NoReader, NoWriter or SelfLoop could be wrong.</summary>
    public int ProcessesNotPermitted { get; internal init; }

    /// <summary>Processes with sockets in another network namespace (a container) that could not be entered to ask
    /// sock_diag there (setns needs CAP_SYS_ADMIN): their Unix sockets are left out.</summary>
    public int ProcessesInOtherNetworkNamespaces { get; internal init; }

    /// <summary>Pipes whose fill could not be read (pidfd_getfd not permitted or not supported).</summary>
    public int PipesWithoutFill { get; internal init; }

    /// <summary>Processes whose threads' current system calls could not be read (needs ptrace access).</summary>
    public int ProcessesWithoutThreads { get; internal init; }

    /// <summary>What was read and how long it took, for -Verbose.</summary>
    public string Description { get; internal init; } = "";

    /// <summary>True when the scan was stopped by its cancellation token; the result is then empty.</summary>
    public bool Cancelled { get; internal init; }

    /// <summary>What the scan could not look at, each worded once with what to do: for the cmdlet's warnings.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            if (ProcessesNotPermitted > 0)
                warnings.Add(Plural(ProcessesNotPermitted, "process", "processes") + " could not be inspected (not permitted to read /proc/PID/fd): " +
                             "their ends of pipes and sockets are missing, so a NoReader, NoWriter or SelfLoop may be wrong. To see them: " +
                             Ptrace.PtraceRefusal.PermissionRemedy() + ".");
            if (ProcessesInOtherNetworkNamespaces > 0)
                warnings.Add(Plural(ProcessesInOtherNetworkNamespaces, "process has", "processes have") + " sockets in another network namespace (a container) " +
                             "that could not be entered: their Unix sockets are not shown. Run as root (entering a namespace needs CAP_SYS_ADMIN), " +
                             "or run Get-PipePeer in that namespace: nsenter --net=/proc/PID/ns/net pwsh.");
            if (PipesWithoutFill > 0)
                warnings.Add("BufferedBytes and Capacity are empty for " + Plural(PipesWithoutFill, "pipe", "pipes") + ": reading a pipe's fill needs " +
                             "pidfd_getfd (Linux 5.6 or later) and ptrace access to one of its holders. Run as root or with CAP_SYS_PTRACE.");
            if (ProcessesWithoutThreads > 0)
                warnings.Add("BlockedThreads is empty for " + Plural(ProcessesWithoutThreads, "process", "processes") + ": a thread's current system call " +
                             "needs ptrace access to read. Run as root or with CAP_SYS_PTRACE.");
            return warnings;
        }
    }

    private static string Plural(int count, string one, string many) =>
        count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}

/// <summary>A requested descriptor that is not a pipe, FIFO or Unix socket.</summary>
public sealed record OtherDescriptor(int ProcessId, int FileDescriptor, string Target);
