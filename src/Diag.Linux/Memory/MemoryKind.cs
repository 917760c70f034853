namespace Diag.Linux.Memory;

/// <summary>What a mapping of a process is, as far as its layout, path and the process's threads tell.</summary>
public enum MemoryKind
{
    /// <summary>Anonymous memory that no more specific kind explains (mmap'd buffers, allocators' chunks, JIT data).</summary>
    Anonymous,

    /// <summary>A file mapped into memory: executables, libraries, data files (Path names it).</summary>
    File,

    /// <summary>The brk heap ([heap]): glibc's main arena, used by the first thread and for small allocations.</summary>
    MainHeap,

    /// <summary>A heap of a glibc malloc arena: a 64 MiB-aligned reservation whose used part is rw-p and whose rest is
    /// ---p. glibc gives threads their own arenas (up to 8 per CPU) and rarely returns their memory.</summary>
    GlibcArena,

    /// <summary>A thread's stack ([stack] for the main thread); ThreadId names the thread when it could be found.</summary>
    ThreadStack,

    /// <summary>The inaccessible guard page(s) just below a thread stack, which turn an overflow into a crash.</summary>
    Guard,

    /// <summary>The Java heap of a JVM (the range reserved for -Xmx / MaxHeapSize).</summary>
    JavaHeap,

    /// <summary>A JVM's code cache: JIT-compiled code (executable anonymous memory) and its reservation.</summary>
    CodeCache,

    /// <summary>Shared memory: POSIX (/dev/shm), System V, memfd, or shared anonymous mappings.</summary>
    SharedMemory,

    /// <summary>hugetlbfs pages (explicit huge pages, not transparent ones).</summary>
    HugePages,

    /// <summary>Mappings the kernel provides: [vdso], [vvar], [vsyscall].</summary>
    Kernel,
}

/// <summary>How a mapping changed between two snapshots (-Interval, -Continuous).</summary>
public enum MemoryChange
{
    /// <summary>Present in both, resident or mapped size larger in the second.</summary>
    Grew,

    /// <summary>Present only in the second snapshot.</summary>
    New,

    /// <summary>Present in both, smaller in the second.</summary>
    Shrank,

    /// <summary>Present only in the first snapshot (unmapped since).</summary>
    Removed,
}

/// <summary>The malloc implementation a process uses, told from the libraries it maps.</summary>
public enum MemoryAllocator
{
    /// <summary>Not known: a static binary, or nothing recognisable mapped.</summary>
    Unknown,

    /// <summary>glibc's ptmalloc (per-thread arenas, MALLOC_ARENA_MAX).</summary>
    Glibc,

    /// <summary>jemalloc (libjemalloc, often LD_PRELOADed).</summary>
    Jemalloc,

    /// <summary>gperftools' tcmalloc (libtcmalloc).</summary>
    Tcmalloc,

    /// <summary>Microsoft's mimalloc (libmimalloc).</summary>
    Mimalloc,

    /// <summary>musl libc's mallocng (Alpine).</summary>
    Musl,

    /// <summary>Go's runtime allocator (a Go binary: no malloc for Go memory).</summary>
    Go,
}
