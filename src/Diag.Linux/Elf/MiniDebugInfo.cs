using Diag.Linux.Interop;

namespace Diag.Linux.Elf;

/// <summary>
/// MiniDebugInfo (GDB's name): an xz-compressed ELF image in the .gnu_debugdata section holding the
/// .symtab that stripping removed, so that static functions keep names without a debug package
/// (Fedora, RHEL and CentOS binaries have it). Decompressed with liblzma when it is present.
/// </summary>
internal static unsafe class MiniDebugInfo
{
    private const long MaxCompressed = 64L << 20, MaxDecompressed = 512L << 20;

    public static ElfImage? TryLoad(ElfImage image)
    {
        var section = image.Section(".gnu_debugdata");
        if (section is null || !section.HasData || section.FileSize > MaxCompressed || !LibLzma.IsAvailable) return null;
        var compressed = section.ReadAll(MaxCompressed);
        if (compressed.Length == 0) return null;
        for (var size = Math.Max(compressed.Length * 4L, 1L << 16); size <= MaxDecompressed; size *= 4)
        {
            var output = new byte[size];
            ulong limit = ulong.MaxValue;
            nuint inPosition = 0, outPosition = 0;
            int result;
            fixed (byte* input = compressed)
            fixed (byte* outputPointer = output)
                result = LibLzma.StreamBufferDecode(&limit, 0, null, input, &inPosition, (nuint)compressed.Length,
                    outputPointer, &outPosition, (nuint)output.Length);
            if (result == LibLzma.LZMA_OK)
                return ElfImage.TryParse(ElfSource.FromMemory(output.AsSpan(0, (int)outPosition).ToArray()));
            if (result != LibLzma.LZMA_BUF_ERROR) return null;
        }
        return null;
    }
}
