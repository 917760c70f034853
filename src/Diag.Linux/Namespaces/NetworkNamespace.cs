using System.Globalization;

namespace Diag.Linux.Namespaces;

/// <summary>
/// One network namespace as the engine found it: its inode (what <c>ls -l /proc/PID/ns/net</c> shows as
/// <c>net:[4026531840]</c> and the kernel prints in "table full in netns N"), its <c>ip netns</c> name where it has
/// one, a process in it (the lowest PID) and how to enter it.
/// </summary>
internal sealed class NetworkNamespace
{
    public NetworkNamespace(ulong inode, string openPath)
    {
        Inode = inode;
        OpenPath = openPath;
    }

    public ulong Inode { get; }

    /// <summary>A path that opens the namespace: /run/netns/NAME, /proc/PID/ns/net or the path the user gave.</summary>
    public string OpenPath { get; internal set; }

    /// <summary>The name under /run/netns (what <c>ip netns</c> lists), or null.</summary>
    public string? Name { get; internal set; }

    /// <summary>The lowest PID in the namespace, or null when no process is in it (only a bind mount keeps it).</summary>
    public int? ProcessId { get; internal set; }

    /// <summary>That process's name (comm).</summary>
    public string? ProcessName { get; internal set; }

    /// <summary>How many processes are in it (as far as /proc could be read).</summary>
    public int ProcessCount { get; internal set; }

    /// <summary>The host's namespace (init_net, where kernel threads live): nf_conntrack_max and the conntrack hash size
    /// can be written only from there.</summary>
    public bool IsInitial { get; internal set; }

    /// <summary>The namespace of the calling thread: read without entering anything.</summary>
    public bool IsOwn { get; internal set; }

    /// <summary>What people call it: "host", the ip netns name, or the first process in it ("nginx (1234)").</summary>
    public string Label =>
        IsInitial ? "host"
        : Name is not null ? Name
        : ProcessId is { } pid ? string.Create(CultureInfo.InvariantCulture, $"{ProcessName} ({pid})")
        : Inode.ToString(CultureInfo.InvariantCulture);

    /// <summary>The prefix that runs a command in this namespace, for remedies: empty for the caller's own namespace,
    /// <c>ip netns exec NAME </c> for a named one, <c>nsenter --net=PATH </c> otherwise.</summary>
    public string CommandPrefix =>
        IsOwn ? ""
        : Name is not null ? $"ip netns exec {Name} "
        : $"nsenter --net={OpenPath} ";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"net:[{Inode}] {Label}");
}
