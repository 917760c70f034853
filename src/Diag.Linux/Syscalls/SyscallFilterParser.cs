using System.IO.Enumeration;

namespace Diag.Linux.Syscalls;

/// <summary>Parses strace-style syscall filters (names, %classes, wildcards) into numbers.</summary>
internal static class SyscallFilterParser
{
    /// <summary>Class names as strace spells them, with and without the leading %.</summary>
    private static readonly Dictionary<string, SyscallClasses> ClassByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["file"] = SyscallClasses.File,
        ["network"] = SyscallClasses.Network,
        ["net"] = SyscallClasses.Network,
        ["memory"] = SyscallClasses.Memory,
        ["process"] = SyscallClasses.Process,
        ["signal"] = SyscallClasses.Signal,
        ["ipc"] = SyscallClasses.Ipc,
        ["desc"] = SyscallClasses.Descriptor,
        ["clock"] = SyscallClasses.Clock,
        ["creds"] = SyscallClasses.Credentials,
    };

    public static IReadOnlyList<int> Resolve(IEnumerable<string> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var numbers = new SortedSet<int>();
        var problems = new List<string>();
        var entries = 0;
        foreach (var raw in specs)
        {
            if (raw is null)
                continue;
            foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                entries++;
                if (!TryResolveOne(part, numbers))
                    problems.Add(Describe(part));
            }
        }
        // A filter of blanks would silently trace nothing: strace refuses an empty -e trace= too.
        if (entries == 0)
            problems.Add("the syscall filter is empty: give a syscall name, a wildcard or a class");
        if (problems.Count > 0)
            throw new ArgumentException(string.Join("; ", problems)); // no parameter name: the message is shown to users
        return numbers.ToArray();
    }

    private static bool TryResolveOne(string entry, SortedSet<int> numbers)
    {
        var className = entry.StartsWith('%') ? entry[1..] : entry;
        if (ClassByName.TryGetValue(className, out var classes))
        {
            numbers.UnionWith(SyscallTable.NumbersIn(classes));
            return true;
        }
        if (entry.StartsWith('%'))
            return false;
        if (IsWildcard(entry))
        {
            var matched = false;
            foreach (var name in SyscallTable.Names)
            {
                if (FileSystemName.MatchesSimpleExpression(entry, name, ignoreCase: true) && SyscallTable.TryGetNumber(name, out var n))
                {
                    numbers.Add(n);
                    matched = true;
                }
            }
            return matched;
        }
        if (SyscallTable.TryGetNumber(entry, out var number))
        {
            numbers.Add(number);
            return true;
        }
        return false;
    }

    private static bool IsWildcard(string entry) => entry.Contains('*') || entry.Contains('?');

    private static string Describe(string entry)
    {
        if (entry.StartsWith('%'))
            return $"{entry}: no such syscall class; classes are {string.Join(", ", ClassByName.Keys.Select(k => "%" + k))}";
        if (IsWildcard(entry))
            return $"{entry}: matches no syscall";
        var candidates = SyscallTable.Names.Concat(ClassByName.Keys);
        var suggestions = ClosestNames.Find(entry, candidates);
        return suggestions.Count == 0
            ? $"{entry}: no such syscall"
            : $"{entry}: no such syscall; did you mean {JoinAlternatives(suggestions)}?";
    }

    private static string JoinAlternatives(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
}
