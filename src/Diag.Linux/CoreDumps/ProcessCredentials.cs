using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>The identity lines of /proc/PID/status: uids and gids (real, effective, saved, filesystem),
/// supplementary groups and effective capabilities. The kernel creates a core file with the fs ids.</summary>
internal sealed class ProcessCredentials
{
    public required uint RealUid { get; init; }
    public required uint EffectiveUid { get; init; }
    public required uint SavedUid { get; init; }
    public required uint FsUid { get; init; }
    public required uint RealGid { get; init; }
    public required uint EffectiveGid { get; init; }
    public required uint SavedGid { get; init; }
    public required uint FsGid { get; init; }
    public required uint[] Groups { get; init; }
    public required ulong EffectiveCapabilities { get; init; }

    public const int CAP_DAC_OVERRIDE = 1, CAP_SETGID = 6, CAP_SETUID = 7, CAP_SYS_CHROOT = 18;

    public bool HasCapability(int capability) => (EffectiveCapabilities & (1UL << capability)) != 0;

    /// <summary>Real, effective, saved and filesystem ids are not all the same: a setuid/setgid program, or one
    /// that changed only some of its ids. The kernel marks such a process non-dumpable (fs.suid_dumpable).</summary>
    public bool HasMixedIds =>
        RealUid != EffectiveUid || RealUid != SavedUid || RealUid != FsUid ||
        RealGid != EffectiveGid || RealGid != SavedGid || RealGid != FsGid;

    public bool IsInGroup(uint gid) => FsGid == gid || Array.IndexOf(Groups, gid) >= 0;

    public static ProcessCredentials? Parse(string? status)
    {
        if (status is null) return null;
        uint[]? uids = null, gids = null;
        uint[] groups = [];
        ulong caps = 0;
        foreach (var line in status.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("Uid:")) uids = Numbers(line[4..]);
            else if (line.StartsWith("Gid:")) gids = Numbers(line[4..]);
            else if (line.StartsWith("Groups:")) groups = Numbers(line[7..]);
            else if (line.StartsWith("CapEff:")) ulong.TryParse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out caps);
        }
        if (uids is not { Length: 4 } || gids is not { Length: 4 }) return null;
        return new ProcessCredentials
        {
            RealUid = uids[0], EffectiveUid = uids[1], SavedUid = uids[2], FsUid = uids[3],
            RealGid = gids[0], EffectiveGid = gids[1], SavedGid = gids[2], FsGid = gids[3],
            Groups = groups, EffectiveCapabilities = caps,
        };
    }

    private static uint[] Numbers(ReadOnlySpan<char> text)
    {
        var list = new List<uint>();
        foreach (var item in text.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            if (uint.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) list.Add(n);
        return list.ToArray();
    }
}
