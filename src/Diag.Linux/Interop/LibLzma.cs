using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>liblzma (xz-utils; on every Debian, Ubuntu and RHEL system): decompresses the MiniDebugInfo
/// (.gnu_debugdata) some distributions put in their binaries. Optional: callers check <see cref="IsAvailable"/>.</summary>
internal static unsafe partial class LibLzma
{
    private const string Lib = "liblzma.so.5";

    public const int LZMA_OK = 0, LZMA_BUF_ERROR = 10;

    private static readonly Lazy<bool> Available = new(() => NativeLibrary.TryLoad(Lib, out _));

    public static bool IsAvailable => Available.Value;

    [LibraryImport(Lib, EntryPoint = "lzma_stream_buffer_decode")]
    public static partial int StreamBufferDecode(ulong* memoryLimit, uint flags, void* allocator,
        byte* input, nuint* inputPosition, nuint inputSize, byte* output, nuint* outputPosition, nuint outputSize);
}
