namespace Diag.Linux.Syscalls;

/// <summary>One decoded syscall argument: its parameter name, the raw register value, and strace-like text.</summary>
public sealed class SyscallArgument
{
    internal SyscallArgument(string name, ulong rawValue, string text, bool showsName = false)
    {
        Name = name;
        RawValue = rawValue;
        Text = text;
        ShowsName = showsName;
    }

    /// <summary>The parameter name from the syscall's prototype (<c>flags</c>, <c>pathname</c>), or <c>arg0</c>.. when unknown.</summary>
    public string Name { get; }

    /// <summary>The raw register value.</summary>
    public ulong RawValue { get; }

    /// <summary>The value as strace would print it: <c>MAP_PRIVATE|MAP_ANONYMOUS</c>, <c>"/etc/passwd"</c>, <c>NULL</c>.</summary>
    public string Text { get; }

    /// <summary>strace prints this argument with its name (clone's <c>flags=...</c>).</summary>
    internal bool ShowsName { get; }

    /// <summary><c>name=text</c>.</summary>
    public override string ToString() => $"{Name}={Text}";
}
