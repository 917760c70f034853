namespace Diag.Linux.Syscalls.Decoding;

/// <summary>One parameter of a syscall prototype: its name, how to decode it, and the index of the
/// parameter it depends on (-1 when none). <see cref="Register"/> is the argument register it lives in
/// when strace prints the parameters in another order than the registers (clone on x86_64);
/// <see cref="Named"/> prints it as <c>name=value</c>, as strace does for clone.</summary>
internal readonly record struct SyscallParameter(string Name, ArgumentKind Kind, int Related = -1)
{
    public int Register { get; init; } = -1;

    public bool Named { get; init; }
}
