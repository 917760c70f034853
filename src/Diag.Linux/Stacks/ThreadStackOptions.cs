namespace Diag.Linux.Stacks;

/// <summary>What <see cref="ThreadStackReader"/> adds to each stack, and how long it waits for a thread to stop.</summary>
public sealed class ThreadStackOptions
{
    /// <summary>Also read each thread's kernel stack (root only), before stopping it.</summary>
    public bool Kernel { get; init; }

    /// <summary>Also resolve source files and lines (needs libdw; costly the first time per module).</summary>
    public bool SourceLines { get; init; }

    /// <summary>How long to wait for one thread to stop; one in uninterruptible sleep may never do.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
