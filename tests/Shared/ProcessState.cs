using System.Globalization;

namespace Diag.TestSupport;

/// <summary>What /proc says of a test target after a cmdlet or engine let it go: the one place the tests read a
/// tracer, a state letter or choose a PID no process can have.</summary>
public static class ProcessState
{
    /// <summary>TracerPid from /proc/TID/status: 0 when nothing traces the task (or it is gone).</summary>
    public static int TracerPid(int tid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{tid}/status"))
                if (line.StartsWith("TracerPid:", StringComparison.Ordinal))
                    return int.Parse(line["TracerPid:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>The one-letter state; 't' means stopped by a tracer, 'T' by a signal.</summary>
    public static char State(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    /// <summary>Waits until nothing traces <paramref name="pid"/>; false when it is still traced at the deadline.</summary>
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

    /// <summary>A process id no process can have: above PID_MAX_LIMIT (2^22), which pid_max never exceeds.
    /// (A free pid below pid_max may be handed out between the check and its use on a busy machine.)</summary>
    public static int UnusedPid() => (1 << 22) + 1234;
}
