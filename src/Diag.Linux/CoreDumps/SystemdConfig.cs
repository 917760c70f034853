namespace Diag.Linux.CoreDumps;

/// <summary>One setting of a systemd configuration and the file it came from.</summary>
internal sealed record SystemdSetting(string Value, string File);

/// <summary>
/// Reads systemd's INI files the way systemd does (systemd.syntax(7)): one main file (the first of the
/// candidates that exists), then drop-ins (*.conf in the .d directories) sorted by file name, where a drop-in in
/// an earlier directory hides one of the same name in a later one; the last assignment wins and an empty
/// assignment resets.
/// </summary>
internal static class SystemdConfig
{
    /// <summary>Where systemd looks for its own configuration files (coredump.conf, system.conf), highest precedence first.</summary>
    public static readonly string[] ConfigDirectories = ["/etc/systemd", "/run/systemd", "/usr/local/lib/systemd", "/usr/lib/systemd"];

    /// <summary>Where unit files live, highest precedence first.</summary>
    public static readonly string[] UnitDirectories =
        ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];

    /// <summary>A main configuration file (coredump.conf) with its drop-ins (coredump.conf.d).</summary>
    public static IReadOnlyDictionary<string, SystemdSetting> ReadConfig(MachineRoot machine, string fileName, string section) =>
        Read(machine, section, ConfigDirectories.Select(d => $"{d}/{fileName}"), ConfigDirectories.Select(d => $"{d}/{fileName}.d"));

    /// <summary>A unit (mysql.service, or an instance of a template unit) with its drop-ins.</summary>
    public static IReadOnlyDictionary<string, SystemdSetting> ReadUnit(MachineRoot machine, string unit, string section)
    {
        var names = new List<string> { unit };
        int at = unit.IndexOf('@');
        if (at > 0) names.Add(unit[..(at + 1)] + unit[unit.LastIndexOf('.')..]); // foo@bar.service -> foo@.service
        var main = names.AsEnumerable().Reverse().SelectMany(n => UnitDirectories.Select(d => $"{d}/{n}"));
        var dropIns = new List<string>();
        foreach (var n in names.AsEnumerable().Reverse())
            dropIns.AddRange(UnitDirectories.Select(d => $"{d}/{n}.d"));
        return Read(machine, section, main, dropIns);
    }

    private static Dictionary<string, SystemdSetting> Read(MachineRoot machine, string section, IEnumerable<string> mainCandidates, IEnumerable<string> dropInDirectories)
    {
        var settings = new Dictionary<string, SystemdSetting>(StringComparer.Ordinal);
        var main = mainCandidates.FirstOrDefault(machine.FileExists);
        if (main is not null) Apply(machine, main, section, settings);

        var dropIns = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in dropInDirectories)
            foreach (var file in machine.ListFiles(directory, "*.conf"))
                dropIns.TryAdd(Path.GetFileName(file), directory + "/" + Path.GetFileName(file)); // the first directory wins
        foreach (var file in dropIns.Values) Apply(machine, file, section, settings);
        return settings;
    }

    private static void Apply(MachineRoot machine, string file, string section, Dictionary<string, SystemdSetting> settings)
    {
        var text = machine.ReadText(file);
        if (text is null) return;
        bool inSection = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[') { inSection = line == $"[{section}]"; continue; }
            if (!inSection) continue;
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length == 0) settings.Remove(key);
            else settings[key] = new SystemdSetting(value, file);
        }
    }

    /// <summary>LimitCORE= syntax: "infinity", a size ("0", "1G"), or "soft:hard".</summary>
    public static ResourceLimitPair? ParseLimit(string value)
    {
        var parts = value.Split(':');
        if (parts.Length > 2) return null;
        var soft = Size(parts[0]);
        var hard = parts.Length == 2 ? Size(parts[1]) : soft;
        return soft.Ok && hard.Ok ? new ResourceLimitPair(soft.Value, hard.Value) : null;

        static (bool Ok, ulong? Value) Size(string text)
        {
            var bytes = ByteSize.ParseSystemd(text);
            return bytes is null ? (false, null) : (true, bytes == ulong.MaxValue ? null : bytes);
        }
    }
}
