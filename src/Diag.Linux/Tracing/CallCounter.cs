using System.Runtime.InteropServices;
using Diag.Linux.Output;

namespace Diag.Linux.Tracing;

/// <summary>Running totals for one syscall in one <see cref="SyscallCounters"/>. Allocation-free to update.</summary>
internal sealed class CallCounter
{
    public long Calls;
    public long Errors;
    public long TotalTicks;
    public long MaxTicks;
    public Dictionary<int, long>? ErrorsByErrno;

    /// <summary>Calls per <see cref="LatencyBucket"/> index (log2 of nanoseconds); null until timed calls come.</summary>
    public long[]? Histogram;

    public void Add(long elapsedTicks, long returnValue)
    {
        Calls++;
        TotalTicks += elapsedTicks;
        if (elapsedTicks > MaxTicks)
            MaxTicks = elapsedTicks;
        Histogram ??= new long[LatencyBucket.BucketCount];
        Histogram[LatencyBucket.IndexOf(SummaryBuilder.ToNanoseconds(elapsedTicks))]++;
        if (returnValue is < 0 and >= -4095)
        {
            Errors++;
            ErrorsByErrno ??= new Dictionary<int, long>();
            CollectionsMarshal.GetValueRefOrAddDefault(ErrorsByErrno, (int)-returnValue, out _)++;
        }
    }

    public void Merge(CallCounter other)
    {
        Calls += other.Calls;
        Errors += other.Errors;
        TotalTicks += other.TotalTicks;
        MaxTicks = Math.Max(MaxTicks, other.MaxTicks);
        if (other.Histogram is not null)
        {
            Histogram ??= new long[LatencyBucket.BucketCount];
            for (var i = 0; i < Histogram.Length; i++)
                Histogram[i] += other.Histogram[i];
        }
        if (other.ErrorsByErrno is null)
            return;
        ErrorsByErrno ??= new Dictionary<int, long>();
        foreach (var (errno, count) in other.ErrorsByErrno)
            CollectionsMarshal.GetValueRefOrAddDefault(ErrorsByErrno, errno, out _) += count;
    }
}
