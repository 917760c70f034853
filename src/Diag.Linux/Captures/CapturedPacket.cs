namespace Diag.Linux.Captures;

/// <summary>One packet of a capture file; <see cref="Frame"/> is valid until the reader moves on.</summary>
internal ref struct CapturedPacket
{
    /// <summary>The captured bytes, from the link-layer header on.</summary>
    public ReadOnlySpan<byte> Frame;

    /// <summary>LINKTYPE_ value of the interface it was captured on.</summary>
    public int LinkType;

    /// <summary>Capture time as 100 ns ticks since the Unix epoch (UTC); null when the format has none (pcapng simple packet block).</summary>
    public long? UnixTicks;

    /// <summary>Packet number in the file, from 1 (as Wireshark counts).</summary>
    public long Number;

    /// <summary>File offset of the packet's record or block.</summary>
    public long FileOffset;
}

/// <summary>What a capture reader's Next returned.</summary>
internal enum CaptureReadResult
{
    Packet,
    Problem,
    End,
}

/// <summary>A damaged part of a capture file, as the reader found it.</summary>
/// <param name="Truncated">True when the file ends inside a record; false when a record cannot be right.</param>
/// <param name="Message">What was wrong, with the offset and packet number.</param>
/// <param name="FileOffset">Where the record starts.</param>
/// <param name="PacketNumber">The packet it would have been; null for a block that held no packet.</param>
internal sealed record CaptureDamage(bool Truncated, string Message, long FileOffset, long? PacketNumber);

/// <summary>Reads the packets of one capture file in order.</summary>
internal interface ICaptureReader : IDisposable
{
    /// <summary>The next packet, or a damaged record (reading goes on after it when it can), or the end.</summary>
    CaptureReadResult Next(out CapturedPacket packet, out CaptureDamage? damage);
}
