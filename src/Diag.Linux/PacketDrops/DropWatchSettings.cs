namespace Diag.Linux.PacketDrops;

/// <summary>How a <see cref="DropWatch"/> runs: stream or count, how long, how many.</summary>
public sealed class DropWatchSettings
{
    /// <summary>Count drops in the kernel (nothing per drop crosses to user space) and report rows at the end, or every
    /// <see cref="Interval"/>, with the kernel's own counters over the same time.</summary>
    public bool Summary { get; init; }

    /// <summary>Summary rows per flow and interface too (implies <see cref="Summary"/>).</summary>
    public bool ByFlow { get; init; }

    /// <summary>The kernel stack of each drop (a summary row per stack).</summary>
    public bool Stack { get; init; }

    /// <summary>When to stop; null: on <see cref="DropWatch.RequestStop"/>, <see cref="Count"/> or cancellation.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Streaming: stop after this many drops.</summary>
    public int? Count { get; init; }

    /// <summary>Summary: rows every interval (rates over it) instead of once at the end.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>How often a Progress item comes.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The ring buffer's size (streaming); tests make it small to lose records on purpose.</summary>
    internal int RingBufferSizeBytes { get; init; } = DropProgramSettings.DefaultRingBufferSizeBytes;
}
