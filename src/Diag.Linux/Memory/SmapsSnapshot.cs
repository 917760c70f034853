namespace Diag.Linux.Memory;

/// <summary>Every mapping of a process from one read of /proc/PID/smaps, in address order, with the distinct
/// path-column texts (file paths, [heap], [stack], [anon:name]) stored once each.</summary>
internal sealed class SmapsSnapshot
{
    public SmapsSnapshot(RawMapping[] mappings, int count, List<string> paths)
    {
        Mappings = mappings;
        Count = count;
        Paths = paths;
    }

    /// <summary>The mappings; only the first <see cref="Count"/> entries are used.</summary>
    public RawMapping[] Mappings { get; }

    public int Count { get; }

    public List<string> Paths { get; }

    public string? PathOf(in RawMapping m) => m.PathIndex < 0 ? null : Paths[m.PathIndex];

    public ReadOnlySpan<RawMapping> AsSpan() => Mappings.AsSpan(0, Count);
}
