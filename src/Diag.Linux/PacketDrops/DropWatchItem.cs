namespace Diag.Linux.PacketDrops;

/// <summary>What a <see cref="DropWatchItem"/> carries.</summary>
public enum DropWatchItemKind
{
    /// <summary>One drop (<see cref="DropWatchItem.Drop"/>).</summary>
    Drop,

    /// <summary>A summary row (<see cref="DropWatchItem.Summary"/>).</summary>
    Summary,

    /// <summary>One of the kernel's own counters over the summary's interval (<see cref="DropWatchItem.Counter"/>).</summary>
    Counter,

    /// <summary>Something the user must know (drops not reported, names hidden): <see cref="DropWatchItem.Message"/>.</summary>
    Warning,

    /// <summary>What the watch does (attached, filters): <see cref="DropWatchItem.Message"/>.</summary>
    Verbose,

    /// <summary>A tick: <see cref="DropWatchItem.Elapsed"/> and <see cref="DropWatchItem.DropsSoFar"/>.</summary>
    Progress,
}

/// <summary>One thing a drop watch yields to the caller that writes it.</summary>
public sealed class DropWatchItem
{
    public DropWatchItemKind Kind { get; init; }

    public PacketDrop? Drop { get; init; }

    public PacketDropSummary? Summary { get; init; }

    public PacketDropCounter? Counter { get; init; }

    public string? Message { get; init; }

    public TimeSpan Elapsed { get; init; }

    public long DropsSoFar { get; init; }

    public override string ToString() => Kind switch
    {
        DropWatchItemKind.Drop => Drop!.ToString(),
        DropWatchItemKind.Summary => Summary!.ToString(),
        DropWatchItemKind.Counter => Counter!.ToString(),
        DropWatchItemKind.Progress => $"{Elapsed}: {DropsSoFar} drops",
        _ => Message ?? "",
    };
}
