namespace Diag.Linux.Pipes;

/// <summary>Which descriptors a scan of a process keeps: all pipes, FIFOs and sockets, or only those on
/// given channels or inode numbers. A FIFO is known only by stat()ing the file behind a path link, so paths
/// are stat()ed only when the filter could want a FIFO.</summary>
internal sealed class DescriptorFilter
{
    private readonly bool _all;
    private readonly HashSet<ChannelKey> _keys = new();
    private readonly HashSet<ulong> _anyInodes = new();

    private DescriptorFilter(bool all) => _all = all;

    public static DescriptorFilter Everything() => new(true);

    /// <summary>Descriptors on <paramref name="keys"/>, and on anything with one of <paramref name="anyInodes"/>.</summary>
    public static DescriptorFilter For(IEnumerable<ChannelKey> keys, IEnumerable<ulong> anyInodes)
    {
        var filter = new DescriptorFilter(false);
        filter._keys.UnionWith(keys);
        filter._anyInodes.UnionWith(anyInodes);
        return filter;
    }

    /// <summary>True when path links must be stat()ed to find FIFOs.</summary>
    public bool WantsFifos => _all || _anyInodes.Count > 0 || _keys.Any(k => k.Type == ChannelType.Fifo);

    public bool IsEmpty => !_all && _keys.Count == 0 && _anyInodes.Count == 0;

    public bool Wants(ChannelKey key) => _all || _keys.Contains(key) || _anyInodes.Contains(key.Inode);

    /// <summary>Every inode number a wanted descriptor may have (a superset: a FIFO's inode number on another file
    /// system passes too), or null when every descriptor is wanted.</summary>
    public IReadOnlyCollection<ulong>? Inodes => _all ? null : _keys.Select(k => k.Inode).Concat(_anyInodes).ToHashSet();
}
