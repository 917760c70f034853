namespace Diag.Linux.Memory;

/// <summary>What each mapping of a <see cref="SmapsSnapshot"/> is (parallel arrays, one entry per mapping), and the
/// glibc arenas found among them.</summary>
internal sealed class MemoryLayout
{
    public MemoryLayout(int count)
    {
        Kinds = new MemoryKind[count];
        ThreadIds = new int[count];
        Details = new string?[count];
        Arenas = new int[count];
    }

    public MemoryKind[] Kinds { get; }

    /// <summary>The thread a stack or guard belongs to; 0 when none or not known.</summary>
    public int[] ThreadIds { get; }

    public string?[] Details { get; }

    /// <summary>The arena (1, 2, ... in address order) an arena heap belongs to; 0 for other mappings.</summary>
    public int[] Arenas { get; }

    /// <summary>Thread arenas (the main arena, in [heap], not counted).</summary>
    public int ArenaCount { get; set; }

    /// <summary>Arena heaps (an arena that outgrew 64 MiB has several).</summary>
    public int ArenaHeapCount { get; set; }

    /// <summary>True when the heaps' headers were read from the process's memory, false when the arenas were told
    /// from the mappings' layout alone (without ptrace access).</summary>
    public bool ArenasConfirmed { get; set; }

    /// <summary>False when the threads' stack pointers could not be read (no ptrace access): stacks other than the
    /// main thread's are then not attributed.</summary>
    public bool ThreadsReadable { get; set; } = true;

    /// <summary>The process is a JVM (libjvm.so is mapped).</summary>
    public bool IsJvm { get; set; }

    /// <summary>Why the Java heap was not placed, for a JVM without -Xmx/MaxHeapSize (null otherwise).</summary>
    public string? JavaHeapNote { get; set; }
}
