using System.Globalization;

namespace Diag.PowerShell.Tests.Hosting;

/// <summary>What /proc says of a test target after a cmdlet let it go.</summary>
internal static class ProcessState
{
    public static int TracerPid(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("TracerPid:", StringComparison.Ordinal));
        return int.Parse(line["TracerPid:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The one-letter state; 't' means stopped by a tracer.</summary>
    public static char State(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    public static bool WaitUntilUntraced(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (TracerPid(pid) != 0)
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
