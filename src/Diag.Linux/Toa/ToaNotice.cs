namespace Diag.Linux.Toa;

/// <summary>Something about the input as a whole that the user should know once, not per packet.</summary>
public enum ToaNoticeKind
{
    /// <summary>tcpdump printed kind 254 as exp-XXXX: the client's address is not in the text.</summary>
    PortOnly,

    /// <summary>tcpdump printed host or port names instead of numbers.</summary>
    NamesInsteadOfNumbers,

    /// <summary>Packets were captured too short (snaplen) to hold their whole TCP options.</summary>
    OptionsCut,

    /// <summary>Options of kind 253 or 254 carried a registered TCP experiment (TCP Fast Open, AccECN…), not a
    /// TOA, and were skipped (verbose: said once per experiment).</summary>
    Experiment,

    /// <summary>A capture file of a version libpcap refuses (pcap 2.5, pcapng 1.1) was read as the version whose layout it shares.</summary>
    CaptureVersion,

    /// <summary>Reading stopped at the time limit (verbose).</summary>
    TimeLimit,

    /// <summary>A FIFO that no program wrote to before the time limit: nothing was read from it.</summary>
    NoWriter,
}

/// <summary>A warning (or, where <see cref="IsVerbose"/>, a verbose line) the caller shows once.</summary>
public sealed class ToaNotice
{
    public ToaNoticeKind Kind { get; internal init; }

    public string Message { get; internal init; } = "";

    /// <summary>True for what is said only with -Verbose: the input was read as it should be.</summary>
    public bool IsVerbose => Kind is ToaNoticeKind.Experiment or ToaNoticeKind.TimeLimit;

    public override string ToString() => Message;
}
