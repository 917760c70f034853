namespace Diag.Linux.Syscalls.Decoding;

/// <summary>One parameter of a syscall prototype: its name, how to decode it, and the index of the
/// parameter it depends on (-1 when none).</summary>
internal readonly record struct SyscallParameter(string Name, ArgumentKind Kind, int Related = -1);
