using Diag.Linux.Output;
namespace Diag.Linux.Stacks;

/// <summary>
/// Threads of one process stopped at the same place (-Unique): what pstack users get with
/// <c>sort | uniq -c</c>. The frames are those of the first thread of the group; frame 0's address may
/// differ between the threads of a group (they are grouped by function names).
/// </summary>
public sealed class ThreadStackGroup
{
    /// <summary>Process ID.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>Process name.</summary>
    public string ProcessName { get; internal init; } = "";

    /// <summary>How many threads have this stack.</summary>
    public int Count { get; internal init; }

    /// <summary>Their thread IDs, ascending.</summary>
    public ItemList<int> ThreadIds { get; internal init; } = ItemList<int>.Empty;

    /// <summary>Their thread names, in the order of <see cref="ThreadIds"/>.</summary>
    public ItemList<string> ThreadNames { get; internal init; } = ItemList<string>.Empty;

    /// <summary>The system call of the first thread, null when it was in user code.</summary>
    public string? CurrentSyscall { get; internal init; }

    /// <summary>The shared function names, innermost first (as <see cref="ThreadStack.Signature"/>).</summary>
    public string Signature { get; internal init; } = "";

    /// <summary>The frames of the first thread.</summary>
    public ItemList<StackFrame> Frames { get; internal init; } = ItemList<StackFrame>.Empty;

    /// <summary>The innermost frame in the program's own code, as <see cref="ThreadStack.ProgramFrame"/>.</summary>
    public StackFrame? ProgramFrame => Frames.FirstOrDefault(f => f.IsProgramCode);

    /// <summary>"N threads: signature", one line.</summary>
    public override string ToString() => $"{Count} thread{(Count == 1 ? "" : "s")}: {Signature}";
}
