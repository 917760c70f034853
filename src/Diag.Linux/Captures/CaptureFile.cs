namespace Diag.Linux.Captures;

/// <summary>Opens a capture file as pcap or pcapng, by its first bytes (not its name).</summary>
internal static class CaptureFile
{
    /// <summary>A reader for the file, or null with the reason when it is not a capture this can read.</summary>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static ICaptureReader? Open(string path, out string? notACapture)
    {
        // Sequential, large reads: the page cache does the rest.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        return Open(stream, out notACapture);
    }

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
