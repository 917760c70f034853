using System.Globalization;

namespace Diag.Linux.Tracing;

/// <summary>Counts by syscall name (events dropped or not delivered), and says them in a line:
/// <c>recvfrom 120000, futex 12</c>, most first.</summary>
internal sealed class SyscallTally
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public void Add(string syscall, long count = 1)
    {
        if (count <= 0)
            return;
        _counts[syscall] = _counts.GetValueOrDefault(syscall) + count;
        Total += count;
    }

    public void AddAll(IReadOnlyDictionary<string, long> counts)
    {
        foreach (var (name, count) in counts)
            Add(name, count);
    }

    public void Clear()
    {
        _counts.Clear();
        Total = 0;
    }

    public IReadOnlyDictionary<string, long> ToDictionary() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    /// <summary>The busiest <paramref name="most"/> names with their counts, then how many others.</summary>
    public string Describe(int most = 5)
    {
        var ordered = _counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        var text = string.Join(", ", ordered.Take(most).Select(c => c.Key + " " + c.Value.ToString(CultureInfo.InvariantCulture)));
        return ordered.Count > most ? text + $" and {ordered.Count - most} other syscalls" : text;
    }
}
