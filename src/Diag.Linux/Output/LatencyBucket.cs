using System.Globalization;

namespace Diag.Linux.Output;

/// <summary>
/// One bar of a latency histogram (log2 buckets, like bcc's <c>syscount -L</c> and <c>funclatency</c> and
/// bpftrace's <c>hist()</c>): how many operations took at least <see cref="LowerBoundNanoseconds"/> and less
/// than <see cref="UpperBoundNanoseconds"/>. Bounds are nanoseconds, not TimeSpans, because the fast buckets
/// (64 ns, 128 ns) are finer than a TimeSpan tick (100 ns). Every latency distribution Diag outputs is an
/// <see cref="ItemList{T}"/> of these (Trace-Syscall's <c>LatencyHistogram</c> first), so that one histogram
/// view (module/Diag.Syscall.format.ps1xml, drawn by Diag.Commands.Formatting.LatencyHistogramView) shows them all.
/// </summary>
public sealed class LatencyBucket
{
    /// <summary>Buckets per histogram: [0, 2) ns, then [2^k, 2^(k+1)) ns, the last one open-ended (≥ 2^39 ns, about 9 minutes).</summary>
    internal const int BucketCount = 40;

    internal LatencyBucket(int index, long count)
    {
        LowerBoundNanoseconds = LowerBound(index);
        UpperBoundNanoseconds = index == BucketCount - 1 ? long.MaxValue : 1L << (index + 1);
        Count = count;
    }

    /// <summary>The shortest duration in the bucket, inclusive.</summary>
    public long LowerBoundNanoseconds { get; }

    /// <summary>The end of the bucket, exclusive (<see cref="long.MaxValue"/> for the last, open-ended bucket).</summary>
    public long UpperBoundNanoseconds { get; }

    /// <summary>Operations (calls) whose duration fell in the bucket.</summary>
    public long Count { get; }

    /// <summary>The bucket a duration falls in: floor(log2(ns)), 0 for 0 and 1 ns, capped at the last.</summary>
    internal static int IndexOf(long nanoseconds) =>
        nanoseconds < 2 ? 0 : Math.Min(System.Numerics.BitOperations.Log2((ulong)nanoseconds), BucketCount - 1);

    /// <summary>From the first to the last non-empty bucket, the empty ones between included (a plot needs them).</summary>
    internal static LatencyBucket[] FromCounts(long[]? counts)
    {
        if (counts is null)
            return [];
        var first = Array.FindIndex(counts, c => c != 0);
        if (first < 0)
            return [];
        var last = Array.FindLastIndex(counts, c => c != 0);
        var buckets = new LatencyBucket[last - first + 1];
        for (var i = first; i <= last; i++)
            buckets[i - first] = new LatencyBucket(i, counts[i]);
        return buckets;
    }

    /// <summary>e.g. <c>256ns-512ns: 1204</c>.</summary>
    public override string ToString() =>
        $"{Format(LowerBoundNanoseconds)}-{(UpperBoundNanoseconds == long.MaxValue ? "" : Format(UpperBoundNanoseconds))}: {Count.ToString(CultureInfo.InvariantCulture)}";

    private static long LowerBound(int index) => index == 0 ? 0 : 1L << index;

    /// <summary>A power of two in the largest unit that keeps it at least 1: 512ns, 1us, 2ms, 137s.</summary>
    private static string Format(long nanoseconds) => nanoseconds switch
    {
        < 1_000 => nanoseconds.ToString(CultureInfo.InvariantCulture) + "ns",
        < 1_000_000 => (nanoseconds / 1_000).ToString(CultureInfo.InvariantCulture) + "us",
        < 1_000_000_000 => (nanoseconds / 1_000_000).ToString(CultureInfo.InvariantCulture) + "ms",
        _ => (nanoseconds / 1_000_000_000).ToString(CultureInfo.InvariantCulture) + "s",
    };
}
