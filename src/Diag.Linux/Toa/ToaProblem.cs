namespace Diag.Linux.Toa;

/// <summary>What was wrong with a piece of input.</summary>
public enum ToaProblemKind
{
    /// <summary>An option of a TOA kind whose length matches none of that kind's layouts.</summary>
    WrongLength,

    /// <summary>Hex that is not hex: an odd number of digits, or other characters.</summary>
    InvalidHex,

    /// <summary>A capture file that ends inside a packet or block.</summary>
    TruncatedCapture,

    /// <summary>A capture file with a record or block that cannot be right; reading resumed at the next plausible one, if any.</summary>
    CorruptCapture,

    /// <summary>A file that is neither pcap nor pcapng.</summary>
    UnknownCaptureFormat,

    /// <summary>A pcap or pcapng file of a major version whose layout is unknown (libpcap refuses it too).</summary>
    UnsupportedCaptureVersion,

    /// <summary>A capture whose link type has no reader here (packets of that interface are skipped).</summary>
    UnsupportedLinkType,

    /// <summary>The file could not be read.</summary>
    ReadFailed,
}

/// <summary>
/// One piece of input that could not be decoded, and where it is: a text line, or a capture file's
/// offset and packet number. Decoding goes on after it.
/// </summary>
public sealed class ToaProblem
{
    public ToaProblemKind Kind { get; internal init; }

    /// <summary>What happened, with where it happened.</summary>
    public string Message { get; internal init; } = "";

    /// <summary>What the user can do about it, when something helps.</summary>
    public string? Remedy { get; internal init; }

    /// <summary>The text line (1-based), for text input.</summary>
    public long? LineNumber { get; internal init; }

    /// <summary>The line itself, for text input; a line longer than 200 characters is quoted by its start and its
    /// length (<see cref="LineLength"/> has the whole length), so that a huge line does not make a huge error.</summary>
    public string? Line { get; internal init; }

    /// <summary>The whole length of the line, in characters, for text input.</summary>
    public long? LineLength { get; internal init; }

    /// <summary>The capture file, for file input.</summary>
    public string? Path { get; internal init; }

    /// <summary>Byte offset in the capture file where the bad record or block starts.</summary>
    public long? FileOffset { get; internal init; }

    /// <summary>The packet's number (from 1); null for a damaged block that held no packet.</summary>
    public long? PacketNumber { get; internal init; }

    public override string ToString() => Message;
}
