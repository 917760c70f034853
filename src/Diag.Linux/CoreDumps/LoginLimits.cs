using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>One line of pam_limits' configuration for one item (core, nofile, nproc...). Value is the limit as the
/// kernel counts it (bytes for the items limits.conf gives in KiB); null: unlimited.</summary>
internal sealed record LoginLimitEntry(string Domain, string Type, string Item, ulong? Value, string Where)
{
    /// <summary>The value in bytes, for the size items (core).</summary>
    public ulong? Bytes => Value;

    public override string ToString() =>
        $"{Domain} {Type} {Item} {(Value is { } v ? (LoginLimits.InKiB(Item) ? v / 1024 : v).ToString(CultureInfo.InvariantCulture) : "unlimited")} ({Where})";
}

/// <summary>
/// The limits pam_limits sets for login sessions (ssh, login, su): /etc/security/limits.conf, then
/// limits.d/*.conf in order. Sizes there are in KiB; "-" sets soft and hard.
/// </summary>
internal static class LoginLimits
{
    /// <summary>Items limits.conf gives in KiB (limits.conf(5)).</summary>
    internal static bool InKiB(string item) => item is "core" or "data" or "fsize" or "memlock" or "rss" or "stack" or "as";

    public static IReadOnlyList<LoginLimitEntry> Read(MachineRoot machine, string item = "core")
    {
        var entries = new List<LoginLimitEntry>();
        var files = new List<string> { "/etc/security/limits.conf" };
        files.AddRange(machine.ListFiles("/etc/security/limits.d", "*.conf").Select(f => "/etc/security/limits.d/" + Path.GetFileName(f)));
        foreach (var file in files)
        {
            var text = machine.ReadText(file);
            if (text is null) continue;
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                int hash = line.IndexOf('#');
                if (hash >= 0) line = line[..hash];
                var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length != 4 || fields[2] != item) continue;
                bool unlimited = fields[3] is "unlimited" or "infinity" or "-1";
                ulong? value = unlimited ? null
                    : ulong.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (InKiB(item) ? n * 1024 : n) : null;
                if (value is null && !unlimited) continue;
                entries.Add(new LoginLimitEntry(fields[0], fields[1], item, value, $"{file}:{i + 1}"));
            }
        }
        return entries;
    }
}
