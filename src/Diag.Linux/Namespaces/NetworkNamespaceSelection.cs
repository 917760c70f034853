using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.Namespaces;

/// <summary>
/// Which network namespaces a user asked for, by what they typed: <c>All</c>, an inode (<c>4026532239</c> or
/// <c>net:[4026532239]</c>), an <c>ip netns</c> name, or a path to a namespace file (<c>/proc/1234/ns/net</c>,
/// <c>/run/docker/netns/…</c>, what <c>nsenter --net=</c> takes). <see cref="Resolve"/> turns them into namespaces.
/// </summary>
internal sealed class NetworkNamespaceSelection
{
    private readonly string[] _specs;
    private readonly int[]? _processIds;

    private NetworkNamespaceSelection(string[] specs, bool all, bool own, int[]? processIds = null)
    {
        _specs = specs;
        _processIds = processIds;
        IsAll = all;
        IsOwnOnly = own;
    }

    public bool IsAll { get; }

    public bool IsOwnOnly { get; }

    /// <summary>Every namespace found.</summary>
    public static NetworkNamespaceSelection All { get; } = new([], all: true, own: false);

    /// <summary>The caller's own namespace.</summary>
    public static NetworkNamespaceSelection Own { get; } = new([], all: false, own: true);

    /// <summary>What the user typed; "All" (any case) or "*" among them selects every namespace.</summary>
    public static NetworkNamespaceSelection Of(IEnumerable<string> specs)
    {
        var list = specs.Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        return list.Any(s => s == "*" || s.Equals("All", StringComparison.OrdinalIgnoreCase))
            ? All
            : new NetworkNamespaceSelection(list, all: false, own: false);
    }

    /// <summary>The namespaces of some processes (the ones they are in now).</summary>
    public static NetworkNamespaceSelection OfProcesses(IEnumerable<int> pids)
    {
        var ids = pids.ToArray();
        return new(ids.Select(p => $"/proc/{p.ToString(CultureInfo.InvariantCulture)}/ns/net").ToArray(), all: false, own: false, ids);
    }

    /// <summary>The namespaces selected, each once, in the order asked; what matched nothing goes to <paramref name="notFound"/>
    /// with why (the text the user typed, a reason, and the process it came from when selected by process).</summary>
    public IReadOnlyList<NetworkNamespace> Resolve(NetworkNamespaceFinder finder, List<(string Spec, string Reason, int? ProcessId)> notFound)
    {
        if (IsAll) return finder.All;
        if (IsOwnOnly) return [finder.Own];
        var found = new List<NetworkNamespace>();
        for (int i = 0; i < _specs.Length; i++)
        {
            var ns = ResolveOne(finder, _specs[i], out string? reason);
            if (ns is null) notFound.Add((_specs[i], reason!, _processIds?[i]));
            else if (!found.Contains(ns)) found.Add(ns);
        }
        return found;
    }

    private static NetworkNamespace? ResolveOne(NetworkNamespaceFinder finder, string spec, out string? reason)
    {
        reason = null;
        if (TryParseInode(spec, out ulong inode))
        {
            var ns = finder.Find(inode);
            if (ns is null) reason = "no process and no ip netns name is in a network namespace with that inode (give the path of its namespace file instead)";
            return ns;
        }
        string path = spec.StartsWith('/') ? spec : Path.Combine(NetworkNamespaceFinder.NamedNamespaceDirectory, spec);
        var identity = NetworkNamespaceFinder.Identify(path);
        if (identity is null)
        {
            int errno = Libc.LastErrno;
            reason = spec.StartsWith('/')
                ? $"{path}: {Errno.GetDescription(errno)}"
                : $"no network namespace of that name in {NetworkNamespaceFinder.NamedNamespaceDirectory} (ip netns list shows the names)";
            return null;
        }
        if (identity.Value.Device != finder.NamespaceDevice)
        {
            reason = $"{path} is not a namespace file (those are /proc/PID/ns/net, or what ip netns and container runtimes bind-mount)";
            return null;
        }
        if (finder.Find(identity.Value.Inode) is { } known) return known;
        var other = new NetworkNamespace(identity.Value.Inode, path);
        if (!spec.StartsWith('/')) other.Name = spec;
        return other;
    }

    private static bool TryParseInode(string spec, out ulong inode)
    {
        if (spec.StartsWith("net:[", StringComparison.Ordinal) && spec.EndsWith(']')) spec = spec[5..^1];
        return ulong.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }
}
