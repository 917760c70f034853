using System.Globalization;

namespace Diag.Linux.Bpf;

/// <summary>
/// How many CPUs the kernel may ever bring up (<c>/sys/devices/system/cpu/possible</c>, e.g. "0-127"):
/// a per-CPU map holds one value for each, online or not, and a lookup from user space returns them all.
/// </summary>
internal static class PossibleCpus
{
    private static readonly Lazy<int> LazyCount = new(() => Parse(Read()));

    public static int Count => LazyCount.Value;

    /// <summary>The highest CPU number of a list such as "0-3,8-11" plus one; at least 1.</summary>
    internal static int Parse(string list)
    {
        var highest = -1;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var last = part.Contains('-') ? part[(part.IndexOf('-') + 1)..] : part;
            if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu))
                highest = Math.Max(highest, cpu);
        }
        return Math.Max(highest + 1, 1);
    }

    private static string Read()
    {
        try
        {
            return File.ReadAllText("/sys/devices/system/cpu/possible");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (Environment.ProcessorCount - 1).ToString(CultureInfo.InvariantCulture);
        }
    }
}
