// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/mman.h, asm/mman.h, asm-generic/mman*.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Flags of mmap, mprotect, mremap and madvise.</summary>
internal static class MemoryFlagSets
{
    /// <summary>mmap/mprotect prot.</summary>
    public static readonly FlagSet Protection = new("PROT_NONE",
        ("PROT_READ", 0x1),
        ("PROT_WRITE", 0x2),
        ("PROT_EXEC", 0x4),
        ("PROT_SEM", 0x8),
        ("PROT_GROWSDOWN", 0x1000000),
        ("PROT_GROWSUP", 0x2000000));

    /// <summary>The mapping type (flags &amp; MAP_TYPE).</summary>
    public static readonly ValueNames MapTypes = new(
        ("MAP_SHARED", 1),
        ("MAP_PRIVATE", 2),
        ("MAP_SHARED_VALIDATE", 3));

    public const ulong MapTypeMask = 0xf;

    /// <summary>mmap flags above the mapping type.</summary>
    public static readonly FlagSet MapFlagsWithoutType = new("0",
        ("MAP_FIXED", 0x10),
        ("MAP_ANONYMOUS", 0x20),
        ("MAP_32BIT", 0x40),
        ("MAP_GROWSDOWN", 0x100),
        ("MAP_DENYWRITE", 0x800),
        ("MAP_EXECUTABLE", 0x1000),
        ("MAP_LOCKED", 0x2000),
        ("MAP_NORESERVE", 0x4000),
        ("MAP_POPULATE", 0x8000),
        ("MAP_NONBLOCK", 0x10000),
        ("MAP_STACK", 0x20000),
        ("MAP_HUGETLB", 0x40000),
        ("MAP_SYNC", 0x80000),
        ("MAP_FIXED_NOREPLACE", 0x100000),
        ("MAP_UNINITIALIZED", 0x4000000));

    /// <summary>mremap flags.</summary>
    public static readonly FlagSet RemapFlags = new("0",
        ("MREMAP_MAYMOVE", 0x1),
        ("MREMAP_FIXED", 0x2),
        ("MREMAP_DONTUNMAP", 0x4));

    /// <summary>madvise advice.</summary>
    public static readonly ValueNames Advice = new(
        ("MADV_NORMAL", 0),
        ("MADV_RANDOM", 1),
        ("MADV_SEQUENTIAL", 2),
        ("MADV_WILLNEED", 3),
        ("MADV_DONTNEED", 4),
        ("MADV_FREE", 8),
        ("MADV_REMOVE", 9),
        ("MADV_DONTFORK", 10),
        ("MADV_DOFORK", 11),
        ("MADV_MERGEABLE", 12),
        ("MADV_UNMERGEABLE", 13),
        ("MADV_HUGEPAGE", 14),
        ("MADV_NOHUGEPAGE", 15),
        ("MADV_DONTDUMP", 16),
        ("MADV_DODUMP", 17),
        ("MADV_WIPEONFORK", 18),
        ("MADV_KEEPONFORK", 19),
        ("MADV_COLD", 20),
        ("MADV_PAGEOUT", 21),
        ("MADV_POPULATE_READ", 22),
        ("MADV_POPULATE_WRITE", 23),
        ("MADV_DONTNEED_LOCKED", 24),
        ("MADV_COLLAPSE", 25),
        ("MADV_HWPOISON", 100),
        ("MADV_SOFT_OFFLINE", 101));
}
