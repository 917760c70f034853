namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Everything one decode needs: the raw arguments, the outcome, and the tracee's memory.</summary>
internal sealed class DecodeContext
{
    /// <summary>The kernel returns -4095..-1 for errors (MAX_ERRNO).</summary>
    private const long MaxErrno = 4095;

    public DecodeContext(ReadOnlySpan<ulong> arguments, long returnValue, bool completed, ITraceeMemory memory)
    {
        Arguments = new ulong[6];
        arguments[..Math.Min(6, arguments.Length)].CopyTo(Arguments);
        ReturnValue = returnValue;
        Completed = completed;
        Memory = memory;
    }

    public ulong[] Arguments { get; }
    public long ReturnValue { get; }
    public bool Completed { get; }
    public ITraceeMemory Memory { get; }

    /// <summary>The call returned and did not fail: output buffers hold what the kernel wrote.</summary>
    public bool Succeeded => Completed && !IsError(ReturnValue);

    public static bool IsError(long returnValue) => returnValue < 0 && returnValue >= -MaxErrno;
}
