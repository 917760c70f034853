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
}

/// <summary>A warning the caller shows once.</summary>
public sealed class ToaNotice
{
    public ToaNoticeKind Kind { get; internal init; }

    public string Message { get; internal init; } = "";

    public override string ToString() => Message;
}
