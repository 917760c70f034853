using System.Globalization;
using System.Text;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// What the kernel substitutes for each %-specifier of a file pattern, for one crashing process. A null value is
/// not known in advance (the time of the crash, the CPU): it is shown as a placeholder and matched as a wildcard.
/// </summary>
internal sealed class CoreNameValues
{
    /// <summary>%p: the process id in its own PID namespace; %P: as the host sees it.</summary>
    public long? Pid { get; init; }
    public long? GlobalPid { get; init; }

    /// <summary>%u, %g: real uid and gid (in the initial user namespace).</summary>
    public uint? Uid { get; init; }
    public uint? Gid { get; init; }

    /// <summary>%d: the dumpable mode (1, or fs.suid_dumpable's value for a process that changed credentials).</summary>
    public int? Dumpable { get; init; }

    /// <summary>%s: the signal (unknown for a future crash).</summary>
    public int? Signal { get; init; }

    /// <summary>%h: the host name.</summary>
    public string? Host { get; init; }

    /// <summary>%e: the comm (at most 15 characters).</summary>
    public string? Comm { get; init; }

    /// <summary>%E: the executable's path ('/' become '!'); %f its file name.</summary>
    public string? ExecutablePath { get; init; }

    /// <summary>%c: the soft core limit; ulong.MaxValue for unlimited (RLIM_INFINITY).</summary>
    public ulong? CoreLimit { get; init; }
}

/// <summary>A file pattern expanded for one process: where its core would be created, for display and for finding it.</summary>
internal sealed class CoreFileName
{
    private CoreFileName(string directory, string name, CoreNameMatcher nameMatch, bool exact, bool directoryKnown)
    {
        Directory = directory;
        Name = name;
        NameMatch = nameMatch;
        IsExact = exact;
        IsDirectoryKnown = directoryKnown;
    }

    /// <summary>The directory part ("" for a bare name: the current directory), placeholders where unknown.</summary>
    public string Directory { get; }

    /// <summary>The file name, with placeholders such as &lt;time&gt; where a value is not known in advance.</summary>
    public string Name { get; }

    /// <summary>Matches the file names this pattern can produce for these values.</summary>
    public CoreNameMatcher NameMatch { get; }

    /// <summary>Every value of the name is known: <see cref="Name"/> is the exact file name.</summary>
    public bool IsExact { get; }

    /// <summary>No placeholder in the directory part.</summary>
    public bool IsDirectoryKnown { get; }

    public string Path => Directory.Length == 0 ? Name : Directory.TrimEnd('/') + "/" + Name;

    /// <summary>Expands a file pattern as format_corename does, appending ".PID" for kernel.core_uses_pid when the pattern has no %p.</summary>
    public static CoreFileName Expand(CorePattern pattern, CoreNameValues values, bool usesPid)
    {
        var pieces = new List<NamePiece>();
        foreach (var part in pattern.Parts)
        {
            if (part.IsLiteral) { pieces.Add(new NamePiece(part.Literal, null)); continue; }
            pieces.Add(Specifier(part.Specifier, values));
        }
        if (usesPid && !pattern.NamesPid)
            pieces.Add(values.Pid is { } pid ? new NamePiece("." + Number(pid), null) : new NamePiece(".<pid>", ".#"));

        // '/' only ever comes from literal text (expanded values have theirs replaced by '!'): the directory
        // is everything up to the last '/'.
        int lastSlashPiece = -1, lastSlashOffset = -1;
        for (int i = 0; i < pieces.Count; i++)
        {
            if (pieces[i].Wildcard is null && pieces[i].Text.LastIndexOf('/') is var slash and >= 0)
            {
                lastSlashPiece = i;
                lastSlashOffset = slash;
            }
        }
        var directory = new StringBuilder();
        var name = new StringBuilder();
        var match = new List<NamePiece>();
        bool exact = true, directoryKnown = true;
        for (int i = 0; i < pieces.Count; i++)
        {
            var (text, wildcard) = (pieces[i].Text, pieces[i].Wildcard);
            if (i < lastSlashPiece || (i == lastSlashPiece && lastSlashOffset == text.Length - 1))
            {
                directory.Append(text);
                directoryKnown &= wildcard is null;
                continue;
            }
            if (i == lastSlashPiece)
            {
                directory.Append(text, 0, lastSlashOffset + 1);
                text = text[(lastSlashOffset + 1)..];
            }
            name.Append(text);
            match.Add(new NamePiece(text, wildcard));
            exact &= wildcard is null;
        }
        return new CoreFileName(directory.ToString(), name.ToString(), new CoreNameMatcher(match), exact, directoryKnown);
    }

    private static NamePiece Specifier(char specifier, CoreNameValues v) => specifier switch
    {
        'p' => Known(v.Pid, "<pid>"),
        'P' => Known(v.GlobalPid, "<pid>"),
        'i' => Known(v.Pid, "<tid>"),      // the crashing thread: the main thread's id when it is the one
        'I' => Known(v.GlobalPid, "<tid>"),
        'u' => Known(v.Uid, "<uid>"),
        'g' => Known(v.Gid, "<gid>"),
        'd' => Known(v.Dumpable, "<dumpable>"),
        's' => Known(v.Signal, "<signal>"),
        't' => new NamePiece("<time>", "#"),
        'C' => new NamePiece("<cpu>", "#"),
        'h' => Escaped(v.Host, "<host>"),
        'e' => Escaped(v.Comm, "<comm>"),
        'E' => Escaped(v.ExecutablePath, "<exe>"),
        'f' => Escaped(v.ExecutablePath is { } exe ? exe[(exe.LastIndexOf('/') + 1)..] : null, "<exe>"),
        'c' => v.CoreLimit is { } limit ? new NamePiece(limit.ToString(CultureInfo.InvariantCulture), null) : new NamePiece("<limit>", "#"),
        _ => new NamePiece("", null), // unknown specifiers (and %F, a pipe's pidfd) expand to nothing in a file name
    };

    private static NamePiece Known<T>(T? value, string placeholder) where T : struct, IFormattable =>
        value is { } v ? new NamePiece(v.ToString(null, CultureInfo.InvariantCulture), null) : new NamePiece(placeholder, "#");

    /// <summary>cn_esc_printf: '/' becomes '!', and "." or ".." or an empty value cannot form a path component.</summary>
    private static NamePiece Escaped(string? value, string placeholder)
    {
        if (value is null) return new NamePiece(placeholder, "*");
        var text = value.Replace('/', '!');
        if (text is "." or "..") text = "!" + text[1..];
        if (text.Length == 0) text = "!";
        return new NamePiece(text, null);
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A piece of an expanded name: known text, or a placeholder matched as a wildcard ("#" digits, ".#" a dot and
/// digits, "*" anything but '/').</summary>
internal sealed record NamePiece(string Text, string? Wildcard);

/// <summary>Matches file names against an expanded pattern whose unknown values are wildcards.</summary>
internal sealed class CoreNameMatcher(IReadOnlyList<NamePiece> pieces)
{
    public bool IsMatch(string name) => Match(name, 0, 0);

    private bool Match(string name, int at, int piece)
    {
        if (piece == pieces.Count) return at == name.Length;
        var (text, wildcard) = (pieces[piece].Text, pieces[piece].Wildcard);
        switch (wildcard)
        {
            case null:
                return string.CompareOrdinal(name, at, text, 0, text.Length) == 0 && name.Length - at >= text.Length && Match(name, at + text.Length, piece + 1);
            case ".#":
                return at < name.Length && name[at] == '.' && Digits(name, at + 1, piece);
            case "#":
                return Digits(name, at, piece);
            default:
                for (int end = at; end <= name.Length; end++)
                {
                    if (Match(name, end, piece + 1)) return true;
                    if (end < name.Length && name[end] == '/') return false;
                }
                return false;
        }
    }

    /// <summary>One or more digits from <paramref name="at"/>, then the rest of the pattern.</summary>
    private bool Digits(string name, int at, int piece)
    {
        for (int end = at; end < name.Length && char.IsAsciiDigit(name[end]); end++)
            if (Match(name, end + 1, piece + 1)) return true;
        return false;
    }
}
