namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>What a line of a trace is: a call, a signal (delivered or stopping), or the thread's end.</summary>
internal enum TraceLineKind
{
    Call,
    Signal,
    Exit,
}

/// <summary>
/// One line of a trace in strace's text form, from either tool: <c>openat(AT_FDCWD, "/etc", ...) = 3</c>,
/// <c>--- SIGCHLD {...} ---</c>, <c>+++ exited with 0 +++</c>. <see cref="Name"/> is what lines are aligned
/// on: the syscall, the signal, or "+++".
/// </summary>
internal sealed class TraceLine
{
    public TraceLine(TraceLineKind kind, string name, string arguments, string returned, string text)
    {
        Kind = kind;
        Name = name;
        Arguments = arguments;
        Returned = returned;
        Text = text;
    }

    public TraceLineKind Kind { get; }

    public string Name { get; }

    /// <summary>The text between the call's parentheses; a signal's siginfo; an exit's status.</summary>
    public string Arguments { get; }

    /// <summary>What follows " = " (the return value, errno and detail); empty for signals and exits.</summary>
    public string Returned { get; }

    public string Text { get; }

    public string Key => Kind switch
    {
        TraceLineKind.Call => Name,
        TraceLineKind.Signal => "--- " + Name,
        _ => "+++",
    };

    public override string ToString() => Text;

    /// <summary>Parses one line of strace's output (without the pid prefix). Null for lines that are not
    /// events (strace's own messages).</summary>
    public static TraceLine? Parse(string line)
    {
        if (line.StartsWith("--- ", StringComparison.Ordinal) && line.EndsWith(" ---", StringComparison.Ordinal))
        {
            var body = line[4..^4];
            if (body.StartsWith("stopped by ", StringComparison.Ordinal))
                return new TraceLine(TraceLineKind.Signal, body["stopped by ".Length..], "stopped", "", line);
            var space = body.IndexOf(' ');
            return space < 0
                ? new TraceLine(TraceLineKind.Signal, body, "", "", line)
                : new TraceLine(TraceLineKind.Signal, body[..space], body[(space + 1)..], "", line);
        }
        if (line.StartsWith("+++ ", StringComparison.Ordinal) && line.EndsWith(" +++", StringComparison.Ordinal))
            return new TraceLine(TraceLineKind.Exit, "+++", line[4..^4], "", line);
        var open = line.IndexOf('(');
        if (open <= 0 || !IsName(line.AsSpan(0, open)))
            return null;
        var close = MatchingParenthesis(line, open);
        if (close < 0)
            return null;
        var rest = line[(close + 1)..].TrimStart();
        if (!rest.StartsWith('='))
            return null;
        return new TraceLine(TraceLineKind.Call, line[..open], line[(open + 1)..close], rest[1..].Trim(), line);
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                return false;
        return true;
    }

    /// <summary>The index of the parenthesis closing the one at <paramref name="open"/>, skipping quoted strings.</summary>
    private static int MatchingParenthesis(string line, int open)
    {
        var depth = 0;
        var quoted = false;
        for (var i = open; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    quoted = false;
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case '(': depth++; break;
                case ')':
                    if (--depth == 0)
                        return i;
                    break;
            }
        }
        return -1;
    }
}
