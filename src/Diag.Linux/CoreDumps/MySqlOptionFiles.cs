namespace Diag.Linux.CoreDumps;

/// <summary>
/// The option files a MySQL or MariaDB server reads, in order (later files win), and the entries of its server
/// groups: /etc/my.cnf, /etc/mysql/my.cnf, $MYSQL_HOME/my.cnf and --defaults-extra-file, or only
/// --defaults-file, or none with --no-defaults; !include and !includedir followed.
/// </summary>
internal static class MySqlOptionFiles
{
    /// <summary>One option line of a server group.</summary>
    internal sealed record Entry(string Name, string? Value, string Text, string Where);

    private const int MaxIncludeDepth = 10;

    public static IEnumerable<Entry> ServerOptions(IReadOnlyList<string> commandLine, IReadOnlyDictionary<string, string>? environment, ProcessFileView files)
    {
        string? defaultsFile = null, extraFile = null;
        bool noDefaults = false;
        foreach (var argument in commandLine.Skip(1))
        {
            if (argument == "--no-defaults") noDefaults = true;
            else if (argument.StartsWith("--defaults-file=", StringComparison.Ordinal)) defaultsFile = argument["--defaults-file=".Length..];
            else if (argument.StartsWith("--defaults-extra-file=", StringComparison.Ordinal)) extraFile = argument["--defaults-extra-file=".Length..];
        }
        if (noDefaults) yield break;

        var optionFiles = new List<string>();
        if (defaultsFile is not null) optionFiles.Add(defaultsFile);
        else
        {
            optionFiles.Add("/etc/my.cnf");
            optionFiles.Add("/etc/mysql/my.cnf");
            if (environment is not null && environment.TryGetValue("MYSQL_HOME", out var home)) optionFiles.Add(home.TrimEnd('/') + "/my.cnf");
        }
        if (extraFile is not null) optionFiles.Add(extraFile);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in optionFiles)
            foreach (var entry in Read(file, files, seen, 0))
                yield return entry;
    }

    /// <summary>A boolean option as the server reads it: option, option=1/ON/TRUE, skip-option, disable-option,
    /// enable-option, loose-option; '-' and '_' are the same. Null when the entry is another option.</summary>
    public static bool? Boolean(string name, string? value, string option)
    {
        name = name.Trim().Replace('_', '-').ToLowerInvariant();
        if (name.StartsWith("loose-", StringComparison.Ordinal)) name = name["loose-".Length..];
        bool? prefix = null;
        foreach (var (text, on) in new[] { ("skip-", false), ("disable-", false), ("enable-", true) })
        {
            if (!name.StartsWith(text, StringComparison.Ordinal)) continue;
            name = name[text.Length..];
            prefix = on;
            break;
        }
        if (name != option) return null;
        bool on2 = value is null || value.Trim().Trim('"', '\'').ToLowerInvariant() is "" or "1" or "on" or "true" or "yes";
        return prefix is false ? !on2 : on2;
    }

    private static IEnumerable<Entry> Read(string file, ProcessFileView files, HashSet<string> seen, int depth)
    {
        if (depth > MaxIncludeDepth || !seen.Add(file)) yield break;
        var text = files.ReadText(file);
        if (text is null) yield break;
        bool serverGroup = false;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith("!includedir", StringComparison.Ordinal))
            {
                var directory = line["!includedir".Length..].Trim();
                foreach (var included in ListCnf(directory, files))
                    foreach (var entry in Read(included, files, seen, depth + 1))
                        yield return entry;
                continue;
            }
            if (line.StartsWith("!include", StringComparison.Ordinal))
            {
                foreach (var entry in Read(line["!include".Length..].Trim(), files, seen, depth + 1))
                    yield return entry;
                continue;
            }
            if (line[0] == '[')
            {
                serverGroup = IsServerGroup(line.Trim('[', ']').Trim().ToLowerInvariant());
                continue;
            }
            if (!serverGroup) continue;
            int hash = line.IndexOf(" #", StringComparison.Ordinal);
            if (hash > 0) line = line[..hash].TrimEnd();
            int eq = line.IndexOf('=');
            yield return new Entry(eq < 0 ? line : line[..eq].Trim(), eq < 0 ? null : line[(eq + 1)..].Trim(), line,
                $"{file}:{(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>The groups mysqld and mariadbd read their options from.</summary>
    private static bool IsServerGroup(string group) =>
        group is "mysqld" or "server" or "mariadb" or "mariadbd" or "galera" ||
        group.StartsWith("mysqld-", StringComparison.Ordinal) || group.StartsWith("mariadb-", StringComparison.Ordinal) ||
        group.StartsWith("mariadbd-", StringComparison.Ordinal);

    /// <summary>The *.cnf files of an !includedir directory, sorted.</summary>
    private static IEnumerable<string> ListCnf(string directory, ProcessFileView files) =>
        files.ListNames(directory)
            .Where(n => n.EndsWith(".cnf", StringComparison.Ordinal))
            .Select(n => directory.TrimEnd('/') + "/" + n);
}
