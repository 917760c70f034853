namespace Diag.Linux.Syscalls;

/// <summary>One decoded syscall argument: its parameter name, the raw register value, and strace-like text.</summary>
/// <param name="Name">The parameter name from the syscall's prototype (<c>flags</c>, <c>pathname</c>), or <c>arg0</c>.. when unknown.</param>
/// <param name="RawValue">The raw register value.</param>
/// <param name="Text">The value as strace would print it: <c>MAP_PRIVATE|MAP_ANONYMOUS</c>, <c>"/etc/passwd"</c>, <c>NULL</c>.</param>
public sealed record SyscallArgument(string Name, ulong RawValue, string Text)
{
    /// <summary><c>name=text</c>.</summary>
    public override string ToString() => $"{Name}={Text}";
}
