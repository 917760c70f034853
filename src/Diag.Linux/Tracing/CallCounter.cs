using System.Runtime.InteropServices;

namespace Diag.Linux.Tracing;

/// <summary>Running totals for one syscall in one <see cref="SyscallCounters"/>. Allocation-free to update.</summary>
internal sealed class CallCounter
{
    public long Calls;
    public long Errors;
    public long TotalTicks;
    public long MaxTicks;
    public Dictionary<int, long>? ErrorsByErrno;

    public void Add(long elapsedTicks, long returnValue)
    {
        Calls++;
        TotalTicks += elapsedTicks;
        if (elapsedTicks > MaxTicks)
            MaxTicks = elapsedTicks;
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
        if (other.ErrorsByErrno is null)
            return;
        ErrorsByErrno ??= new Dictionary<int, long>();
        foreach (var (errno, count) in other.ErrorsByErrno)
            CollectionsMarshal.GetValueRefOrAddDefault(ErrorsByErrno, errno, out _) += count;
    }
}
