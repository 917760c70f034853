namespace Diag.Linux.Conntrack;

/// <summary>A "table full" line of the kernel log, with the namespace it names (null when the kernel did not say: before
/// Linux 6.x it printed no namespace).</summary>
public sealed class ConntrackLogMessage
{
    internal ConntrackLogMessage(DateTime time, TimeSpan sinceBoot, ulong? networkNamespace, string text)
    {
        Time = time;
        SinceBoot = sinceBoot;
        NetworkNamespace = networkNamespace;
        Text = text;
    }

    /// <summary>When it was logged (local time, from the kernel's monotonic clock).</summary>
    public DateTime Time { get; }

    /// <summary>What dmesg prints in brackets.</summary>
    public TimeSpan SinceBoot { get; }

    public ulong? NetworkNamespace { get; }

    public string Text { get; }

    public override string ToString() => $"{Time:yyyy-MM-dd HH:mm:ss} {Text}";
}
