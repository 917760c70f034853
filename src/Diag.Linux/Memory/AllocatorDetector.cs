namespace Diag.Linux.Memory;

/// <summary>
/// Which malloc a process uses, from the libraries it maps: an allocator library (jemalloc, tcmalloc, mimalloc,
/// usually LD_PRELOADed or linked in) replaces glibc's malloc; otherwise glibc's or musl's own. A Go binary maps
/// neither and allocates through its runtime.
/// </summary>
internal static class AllocatorDetector
{
    public static (MemoryAllocator Allocator, string? Library) Detect(IEnumerable<string> mappedPaths, bool isGo)
    {
        string? glibc = null, musl = null;
        foreach (var path in mappedPaths)
        {
            if (!path.StartsWith('/')) continue;
            var name = Path.GetFileName(path);
            if (name.StartsWith("libjemalloc", StringComparison.Ordinal)) return (MemoryAllocator.Jemalloc, path);
            if (name.StartsWith("libtcmalloc", StringComparison.Ordinal)) return (MemoryAllocator.Tcmalloc, path);
            if (name.StartsWith("libmimalloc", StringComparison.Ordinal)) return (MemoryAllocator.Mimalloc, path);
            if (name.StartsWith("libc.so.6", StringComparison.Ordinal) || name.StartsWith("libc-2.", StringComparison.Ordinal)) glibc ??= path;
            if (name.StartsWith("ld-musl-", StringComparison.Ordinal) || name.StartsWith("libc.musl-", StringComparison.Ordinal)) musl ??= path;
        }
        if (glibc is not null) return (MemoryAllocator.Glibc, glibc);
        if (musl is not null) return (MemoryAllocator.Musl, musl);
        return isGo ? (MemoryAllocator.Go, null) : (MemoryAllocator.Unknown, null);
    }
}
