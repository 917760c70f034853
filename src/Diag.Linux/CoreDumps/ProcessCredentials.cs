using Diag.Linux.ProcFs;

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

    public bool HasCapability(int capability) => Capabilities.Has(EffectiveCapabilities, capability);

    /// <summary>Real, effective, saved and filesystem ids are not all the same: a setuid/setgid program, or one
    /// that changed only some of its ids. The kernel marks such a process non-dumpable (fs.suid_dumpable).</summary>
    public bool HasMixedIds =>
        RealUid != EffectiveUid || RealUid != SavedUid || RealUid != FsUid ||
        RealGid != EffectiveGid || RealGid != SavedGid || RealGid != FsGid;

    public bool IsInGroup(uint gid) => FsGid == gid || Array.IndexOf(Groups, gid) >= 0;

    public static ProcessCredentials? Parse(string? status)
    {
        if (status is null) return null;
        var text = System.Text.Encoding.UTF8.GetBytes(status);
        var uids = StatusText.Numbers(StatusText.ValueOf(text, "\nUid:"u8));
        var gids = StatusText.Numbers(StatusText.ValueOf(text, "\nGid:"u8));
        if (uids is not { Length: 4 } || gids is not { Length: 4 }) return null;
        return new ProcessCredentials
        {
            RealUid = uids[0], EffectiveUid = uids[1], SavedUid = uids[2], FsUid = uids[3],
            RealGid = gids[0], EffectiveGid = gids[1], SavedGid = gids[2], FsGid = gids[3],
            Groups = StatusText.Numbers(StatusText.ValueOf(text, "\nGroups:"u8)),
            EffectiveCapabilities = StatusText.Hex(StatusText.ValueOf(text, "\nCapEff:"u8)),
        };
    }
}
