using System.Globalization;
using Diag.Linux.CoreDumps;

namespace Diag.Linux.Limits;

/// <summary>User and group names from /etc/passwd and /etc/group, for matching limits.conf domains ("mysql",
/// "@dba", "1000:") and naming users in messages.</summary>
internal sealed class AccountDatabase
{
    private readonly Dictionary<uint, string> _users = new();
    private readonly Dictionary<uint, string> _groups = new();
    private readonly Dictionary<string, HashSet<string>> _members = new(StringComparer.Ordinal);

    public AccountDatabase(MachineRoot machine)
    {
        foreach (var fields in Lines(machine.ReadText("/etc/passwd")))
            if (fields.Length > 2 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) _users.TryAdd(uid, fields[0]);
        foreach (var fields in Lines(machine.ReadText("/etc/group")))
        {
            if (fields.Length < 4 || !uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)) continue;
            _groups.TryAdd(gid, fields[0]);
            _members[fields[0]] = fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
    }

    public string? UserName(uint uid) => _users.GetValueOrDefault(uid);

    /// <summary>"mysql (27)", or the number.</summary>
    public string Describe(uint uid) => _users.TryGetValue(uid, out var name) ? $"{name} ({uid.ToString(CultureInfo.InvariantCulture)})" : uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether a limits.conf domain applies to a user with these ids: a user name, @group, * (everyone),
    /// or a uid range "min:max" / "min:" / ":max" / "uid:uid".</summary>
    public bool Matches(string domain, uint uid, uint gid, IReadOnlyCollection<uint> groups)
    {
        if (domain == "*") return true;
        var user = UserName(uid);
        if (domain.StartsWith('@') || domain.StartsWith('%'))
        {
            var group = domain[1..];
            if (_groups.TryGetValue(gid, out var primary) && primary == group) return true;
            if (groups.Any(g => _groups.GetValueOrDefault(g) == group)) return true;
            return user is not null && _members.TryGetValue(group, out var members) && members.Contains(user);
        }
        int colon = domain.IndexOf(':');
        if (colon >= 0)
        {
            bool hasMin = uint.TryParse(domain.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var min);
            bool hasMax = uint.TryParse(domain.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var max);
            return (!hasMin || uid >= min) && (!hasMax || uid <= max) && (hasMin || hasMax);
        }
        return domain == user;
    }

    private static IEnumerable<string[]> Lines(string? text) =>
        (text ?? "").Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(':'));
}
