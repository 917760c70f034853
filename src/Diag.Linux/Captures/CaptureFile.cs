namespace Diag.Linux.Captures;

/// <summary>Why a stream is not a capture this reads.</summary>
/// <param name="UnsupportedVersion">True when it is pcap or pcapng, but of a version whose layout is unknown.</param>
/// <param name="Message">What is wrong, as a clause ("the file says pcap version 1.4: …").</param>
internal sealed record CaptureRefusal(bool UnsupportedVersion, string Message);

/// <summary>Opens a capture as pcap or pcapng, by its first bytes (not its file name).</summary>
internal static class CaptureFile
{
    /// <summary>A reader for the stream (which it owns), or null with the reason when it is not a capture this can
    /// read; <paramref name="warning"/> when it reads a file that libpcap (so tcpdump) would refuse.</summary>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    public static ICaptureReader? Open(Stream stream, out CaptureRefusal? refusal, out string? warning)
    {
        var file = new CaptureFileBuffer(stream);
        try
        {
            file.TryPeek(4, out var magic);
            refusal = null;
            warning = null;
            string? error;
            if (PcapngReader.IsPcapng(magic))
            {
                var reader = PcapngReader.Open(file, out error, out warning);
                if (reader is not null) return reader;
                refusal = new CaptureRefusal(true, error!);
            }
            else if (PcapReader.IsPcap(magic))
            {
                var reader = PcapReader.Open(file, out error, out warning, out bool badVersion);
                if (reader is not null) return reader;
                refusal = new CaptureRefusal(badVersion, error!);
            }
            else
            {
                refusal = new CaptureRefusal(false, magic.Length < 4
                    ? $"the file has {magic.Length} bytes: too short for a capture"
                    : $"the file starts with 0x{Convert.ToHexString(magic)}, which is neither pcap (a1b2c3d4, a1b23c4d) nor pcapng (0a0d0d0a)");
            }
            file.Dispose();
            return null;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
