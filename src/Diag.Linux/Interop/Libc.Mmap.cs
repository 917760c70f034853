namespace Diag.Linux.Interop;

// Shared mappings of kernel objects: the eBPF ring buffer's consumer and producer pages are mapped from the
// map's descriptor (mmap and munmap themselves are declared with the process calls, Libc.Process.cs).
internal static unsafe partial class Libc
{
    public const int MAP_SHARED = 0x01;

    /// <summary>mmap's failure value, (void *)-1.</summary>
    public static readonly nint MAP_FAILED = -1;
}
