namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>Which descendants of the -ParentId processes pass the kernel's filter.</summary>
internal enum ParentFilterMode
{
    None,

    /// <summary>Processes whose parent is one of the set (-ParentId).</summary>
    Children,

    /// <summary>Every process forked below one of the set while the watch runs, and those found at its start (-IncludeDescendants).</summary>
    Descendants,
}

/// <summary>What the assembled programs do: count (summary) or write records, and which filters they evaluate. Each
/// choice is a constant of the program (a filter that is off costs nothing), so changing one means new programs.</summary>
internal sealed class ProcessProgramSettings
{
    /// <summary>Count per parent and executable in the kernel instead of writing one record per event.</summary>
    public bool Summary { get; init; }

    /// <summary>Also watch execve/execveat that fail (a program on raw_syscalls sys_exit: every system call of the
    /// machine pays for its first instructions).</summary>
    public bool FailedExecs { get; init; }

    public bool FilterUsers { get; init; }

    public bool FilterNames { get; init; }

    public ParentFilterMode Parents { get; init; }

    public bool FilterExecutables { get; init; }

    /// <summary>Exits of processes younger than this count as short lives in the summary.</summary>
    public long ShortLifetimeNanoseconds { get; init; } = 1_000_000_000;

    /// <summary>The ring buffer's size in bytes (records mode).</summary>
    public int RingBytes { get; init; } = ProcessEventMaps.RingBytes;

    /// <summary>The running kernel's sched_process_exit passes group_dead (Linux 6.16+), and fires before the
    /// memory map is torn down; before that the program tests signal->live and finds no memory map.</summary>
    public bool ExitHasGroupDead { get; init; }
}
