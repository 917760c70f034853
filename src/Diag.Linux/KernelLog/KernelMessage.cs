namespace Diag.Linux.KernelLog;

/// <summary>One record of the kernel log as /dev/kmsg hands it over (Documentation/ABI/testing/dev-kmsg).</summary>
internal readonly struct KernelMessage
{
    public KernelMessage(ulong sequence, int priority, TimeSpan sinceBoot, string text)
    {
        Sequence = sequence;
        Priority = priority;
        SinceBoot = sinceBoot;
        Text = text;
    }

    /// <summary>The record's sequence number: consecutive, so a gap means records the ring buffer dropped.</summary>
    public ulong Sequence { get; }

    /// <summary>The syslog level (0 emerg … 7 debug).</summary>
    public int Priority { get; }

    /// <summary>When it was logged, on the kernel's monotonic clock (what dmesg prints in brackets).</summary>
    public TimeSpan SinceBoot { get; }

    /// <summary>The message, without the continuation lines (KEY=value) some drivers add.</summary>
    public string Text { get; }
}
