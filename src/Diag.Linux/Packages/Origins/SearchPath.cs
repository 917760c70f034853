using Diag.Linux.Interop;

namespace Diag.Linux.Packages.Origins;

/// <summary>
/// A PATH as a shell searches it: entries in order (an empty entry is the current directory, as in POSIX), each
/// directory known by identity, so that /bin and /usr/bin on merged /usr are seen as one directory. A command is the
/// first entry holding an executable regular file of that name (what execvp and a shell's hash table find).
/// </summary>
internal sealed class SearchPath
{
    private readonly List<(string Directory, FileFacts Facts)> _entries = new();

    public SearchPath(string? pathVariable, string currentDirectory)
    {
        Text = pathVariable ?? "";
        foreach (var entry in Text.Split(':'))
        {
            var directory = entry.Length == 0 ? currentDirectory : System.IO.Path.GetFullPath(entry, currentDirectory);
            _entries.Add((directory.Length > 1 ? directory.TrimEnd('/') : directory, FileFacts.Of(directory)));
        }
    }

    /// <summary>The PATH text it was made from.</summary>
    public string Text { get; }

    public int Count => _entries.Count;

    /// <summary>The 1-based position of the first entry that is <paramref name="directory"/> (by name or identity); null
    /// when it is not on PATH.</summary>
    public int? OrderOf(string directory)
    {
        // By name first: /bin/ls is found at /bin's entry even when /usr/bin, the same directory, comes earlier.
        for (int i = 0; i < _entries.Count; i++)
            if (_entries[i].Directory == directory) return i + 1;
        var facts = FileFacts.Of(directory);
        for (int i = 0; i < _entries.Count; i++)
            if (facts.Exists && facts.SameFileAs(_entries[i].Facts)) return i + 1;
        return null;
    }

    /// <summary>Every executable of this name on PATH, in PATH order: each entry's path and the file it leads to.</summary>
    public IEnumerable<PathCandidate> Candidates(string name)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            if (!_entries[i].Facts.IsDirectory) continue;
            var path = _entries[i].Directory == "/" ? "/" + name : _entries[i].Directory + "/" + name;
            var target = FileFacts.Of(path);
            if (target.IsRegular && target.AnyExecuteBit && Libc.Access(path, Libc.X_OK) == 0) yield return new PathCandidate(i + 1, path, target);
        }
    }
}

/// <summary>One executable found on PATH: its entry's position, its path there, and the file it leads to.</summary>
internal readonly record struct PathCandidate(int Order, string Path, FileFacts Target);
