namespace Diag.Linux.Captures;

/// <summary>Opens a capture as pcap or pcapng, by its first bytes (not its file name).</summary>
internal static class CaptureFile
{
    /// <summary>A reader for the stream (which it owns), or null with the reason when it is not a capture this can read.</summary>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    public static ICaptureReader? Open(Stream stream, out string? notACapture)
    {
        var file = new CaptureFileBuffer(stream);
        try
        {
            file.TryPeek(4, out var magic);
            notACapture = null;
            if (PcapngReader.IsPcapng(magic)) return PcapngReader.Open(file);
            if (PcapReader.IsPcap(magic))
            {
                var reader = PcapReader.Open(file, out notACapture);
                if (reader is not null) return reader;
            }
            else
            {
                notACapture = magic.Length < 4
                    ? $"the file has {magic.Length} bytes: too short for a capture"
                    : $"the file starts with 0x{Convert.ToHexString(magic)}, which is neither pcap (a1b2c3d4, a1b23c4d) nor pcapng (0a0d0d0a)";
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
