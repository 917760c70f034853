namespace Diag.Linux.Stacks;

/// <summary>One frame found by the unwinder, before symbols: its PC; whether that PC is exact (the
/// innermost frame, or one a signal interrupted) or a return address (then the call is at PC - 1); whether
/// the frame is a signal trampoline; whether it was found by following frame pointers (no unwind information).</summary>
internal readonly record struct UnwoundFrame(ulong Address, bool IsActivation, bool IsSignalFrame, bool ViaFramePointer)
{
    /// <summary>The address that belongs to the frame's function: the PC, or the call before a return
    /// address. glibc starts the signal trampoline's FDE one byte early for this, so the trampoline is looked
    /// up at its return address itself.</summary>
    public ulong LookupAddress => IsActivation || IsSignalFrame ? Address : Address - 1;
}

/// <summary>Why the unwinder stopped.</summary>
internal enum UnwindEnd
{
    /// <summary>It reached the outermost frame (the return address is undefined: _start, clone).</summary>
    Outermost,
    DepthLimit,
    /// <summary>No call frame information for a PC and no usable frame pointer.</summary>
    NoUnwindInformation,
    /// <summary>A saved register lies outside the copied stack.</summary>
    StackUnreadable,
    /// <summary>The stack pointer did not move up (corrupt stack, or bad unwind information).</summary>
    NotProgressing,
    /// <summary>The unwind information does not parse.</summary>
    BadUnwindInformation,
    /// <summary>A return address outside any code mapping.</summary>
    NotCode,
}

/// <summary>The frames of one thread and why the walk ended there.</summary>
internal sealed record UnwindResult(IReadOnlyList<UnwoundFrame> Frames, UnwindEnd End, string? Detail);
