namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// One call being decoded, from its entry stop to its exit stop. At entry the arguments the program
/// passed are read and printed (paths, buffers it wrote, timeouts, lengths of in/out parameters); what
/// the kernel fills in is read at exit. <see cref="Saved"/> carries what an in/out parameter held at
/// entry (a socklen_t, a msghdr's lengths) to its exit, where both are shown (<c>[128 => 16]</c>).
/// </summary>
internal sealed class DecodeContext
{
    /// <summary>The kernel returns -4095..-1 for errors (MAX_ERRNO).</summary>
    private const long MaxErrno = 4095;

    /// <summary>ERESTARTSYS..ERESTART_RESTARTBLOCK (512..516): the kernel-internal returns of a call a
    /// signal interrupted; the program never sees them (the call is restarted or fails with EINTR).</summary>
    private const long FirstRestart = 512, LastRestart = 516;

    public DecodeContext(int number, ReadOnlySpan<ulong> arguments, ITraceeMemory memory, ulong stackPointer = 0)
    {
        Number = number;
        StackPointer = stackPointer;
        Arguments = new ulong[6];
        arguments[..Math.Min(6, arguments.Length)].CopyTo(Arguments);
        Memory = memory;
    }

    public int Number { get; }

    public ulong[] Arguments { get; }

    /// <summary>The stack pointer at the entry stop (rt_sigreturn reads the signal frame there).</summary>
    public ulong StackPointer { get; }

    /// <summary>The tracee's memory at the current stop (entry or exit).</summary>
    public ITraceeMemory Memory { get; set; }

    /// <summary>False at the entry stop, true at the exit stop (or when the call will never return).</summary>
    public bool AtExit { get; private set; }

    public long ReturnValue { get; private set; }

    /// <summary>The call returned (false for exit_group, or when the trace or thread ended mid-call).</summary>
    public bool Completed { get; private set; }

    /// <summary>Per parameter: the text decided at entry (null: left out, <see cref="ArgumentFormatter.Deferred"/>: decoded at exit).</summary>
    public string?[] EntryTexts { get; } = new string?[6];

    /// <summary>Per parameter: what an in/out parameter held at entry.</summary>
    public object?[] Saved { get; } = new object?[6];

    /// <summary>What the return value's decoration needs from entry (select's nfds sets, a poll's count).</summary>
    public object? SavedForReturn { get; set; }

    /// <summary>The call returned and did not fail: output buffers hold what the kernel wrote.</summary>
    public bool Succeeded => Completed && !IsError(ReturnValue);

    /// <summary>A signal interrupted the call (ERESTARTSYS and its siblings); strace prints <c>= ?</c>.</summary>
    public bool Interrupted => Completed && IsRestart(ReturnValue);

    /// <summary>The call failed with a real errno (not an interruption).</summary>
    public bool Failed => Completed && IsError(ReturnValue) && !IsRestart(ReturnValue);

    public void Exit(long returnValue, bool completed, ITraceeMemory memory)
    {
        AtExit = true;
        ReturnValue = completed ? returnValue : 0;
        Completed = completed;
        Memory = memory;
    }

    public static bool IsError(long returnValue) => returnValue < 0 && returnValue >= -MaxErrno;

    public static bool IsRestart(long returnValue) => returnValue <= -FirstRestart && returnValue >= -LastRestart;
}
