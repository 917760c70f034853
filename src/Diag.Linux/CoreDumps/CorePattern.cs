namespace Diag.Linux.CoreDumps;

/// <summary>The three kinds of kernel.core_pattern.</summary>
internal enum CorePatternKind
{
    /// <summary>A file name template, absolute or relative to the crashing process's current directory.</summary>
    File,

    /// <summary>"|program args": the kernel starts the program (on the host) and writes the core to its stdin.</summary>
    Pipe,

    /// <summary>"@/path" or "@@/path" (Linux 6.16+): the kernel connects to a listening AF_UNIX socket.</summary>
    Socket,
}

/// <summary>
/// kernel.core_pattern parsed as fs/coredump.c does: the first character picks the kind; a pipe is split on
/// whitespace into the handler's argv before %-specifiers are expanded; a socket path must be absolute and
/// hold no spaces; a file template is expanded as a whole.
/// </summary>
internal sealed class CorePattern
{
    private CorePattern(string text, CorePatternKind kind)
    {
        Text = text;
        Kind = kind;
    }

    public string Text { get; }

    public CorePatternKind Kind { get; }

    /// <summary>Pipe: the handler's argv templates (argv[0] is the program).</summary>
    public IReadOnlyList<string> HandlerArguments { get; private init; } = [];

    /// <summary>The pipe's program or the socket's path; null for a file pattern.</summary>
    public string? HandlerPath { get; private init; }

    /// <summary>"@@": the kernel asks the socket's server what to do before dumping.</summary>
    public bool SocketRequestsMode { get; private init; }

    /// <summary>File: the template, split into literal text and %-specifiers.</summary>
    public IReadOnlyList<CoreNamePart> Parts { get; private init; } = [];

    /// <summary>Why the kernel would refuse this pattern and dump nothing; null when it is usable.</summary>
    public string? Problem { get; private init; }

    /// <summary>File: an absolute path (required for processes that dump as root under fs.suid_dumpable = 2).</summary>
    public bool IsAbsolute => Kind != CorePatternKind.File || Text.StartsWith('/');

    /// <summary>%p is in the template: the kernel then does not append ".PID" for kernel.core_uses_pid.</summary>
    public bool NamesPid => Parts.Any(p => p.Specifier == 'p');

    /// <summary>The name differs from crash to crash (a pid, a thread id or the time in it).</summary>
    public bool NamesEachCrash => Parts.Any(p => p.Specifier is 'p' or 'P' or 'i' or 'I' or 't');

    public static CorePattern Parse(string text)
    {
        if (text.StartsWith('|'))
        {
            var args = text[1..].Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return new CorePattern(text, CorePatternKind.Pipe)
            {
                HandlerArguments = args,
                HandlerPath = args.Length > 0 ? args[0] : null,
                Problem = args.Length == 0 ? "the pattern is a '|' with no program" : null,
            };
        }
        if (text.StartsWith('@'))
        {
            bool request = text.StartsWith("@@", StringComparison.Ordinal);
            var path = text[(request ? 2 : 1)..];
            string? problem = path.Length == 0 ? "the pattern names no socket"
                : !path.StartsWith('/') ? "a socket path must be absolute"
                : path.Contains(' ') ? "a socket path may not contain spaces"
                : path.Contains("..", StringComparison.Ordinal) ? "a socket path may not contain '..'"
                : path.Length >= 108 ? "the socket path is longer than 107 bytes" : null;
            return new CorePattern(text, CorePatternKind.Socket) { HandlerPath = path, SocketRequestsMode = request, Problem = problem };
        }
        return new CorePattern(text, CorePatternKind.File)
        {
            Parts = CoreNamePart.Split(text),
            Problem = text.Length == 0 ? "the pattern is empty" : null,
        };
    }

    public override string ToString() => Text;
}

/// <summary>One piece of a file pattern: literal text, or a %-specifier (its letter).</summary>
internal sealed record CoreNamePart(char Specifier, string Literal)
{
    public bool IsLiteral => Specifier == '\0';

    /// <summary>Splits like format_corename: "%%" is a literal '%', a lone '%' at the end is dropped,
    /// an unknown specifier expands to nothing.</summary>
    public static IReadOnlyList<CoreNamePart> Split(string template)
    {
        var parts = new List<CoreNamePart>();
        var literal = new System.Text.StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '%') { literal.Append(c); continue; }
            if (++i >= template.Length) break;
            char spec = template[i];
            if (spec == '%') { literal.Append('%'); continue; }
            if (literal.Length > 0) { parts.Add(new CoreNamePart('\0', literal.ToString())); literal.Clear(); }
            parts.Add(new CoreNamePart(spec, ""));
        }
        if (literal.Length > 0) parts.Add(new CoreNamePart('\0', literal.ToString()));
        return parts;
    }
}
