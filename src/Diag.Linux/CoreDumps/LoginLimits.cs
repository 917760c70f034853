using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>One "core" line of pam_limits' configuration.</summary>
internal sealed record LoginLimitEntry(string Domain, string Type, ulong? Bytes, string Where)
{
    public override string ToString() =>
        $"{Domain} {Type} core {(Bytes is { } b ? (b / 1024).ToString(CultureInfo.InvariantCulture) : "unlimited")} ({Where})";
}

/// <summary>
/// The core limits pam_limits sets for login sessions (ssh, login, su): /etc/security/limits.conf, then
/// limits.d/*.conf in order. Values there are in KiB; "-" sets soft and hard.
/// </summary>
internal static class LoginLimits
{
    public static IReadOnlyList<LoginLimitEntry> Read(MachineRoot machine)
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
                if (fields.Length != 4 || fields[2] != "core") continue;
                ulong? bytes = fields[3] is "unlimited" or "infinity" or "-1" ? null
                    : ulong.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
                if (bytes is null && fields[3] is not ("unlimited" or "infinity" or "-1")) continue;
                entries.Add(new LoginLimitEntry(fields[0], fields[1], bytes, $"{file}:{i + 1}"));
            }
        }
        return entries;
    }
}
