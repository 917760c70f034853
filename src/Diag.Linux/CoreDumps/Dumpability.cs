namespace Diag.Linux.CoreDumps;

/// <summary>What the kernel's "dumpable" attribute of a process is, as far as /proc can tell.</summary>
internal enum DumpabilityState
{
    /// <summary>Dumpable as itself (mode 1): fs.suid_dumpable does not apply.</summary>
    Dumpable,

    /// <summary>Not mode 1: it changed credentials, ran a setuid/setgid/capability program, or called
    /// prctl(PR_SET_DUMPABLE, 0). Its mode is then fs.suid_dumpable as it was at that moment (0 or 2).</summary>
    NotDumpable,

    /// <summary>A root process with uniform ids: its /proc files belong to root either way, so a
    /// prctl(PR_SET_DUMPABLE, 0) cannot be seen; assumed dumpable.</summary>
    AssumedDumpable,

    /// <summary>Its credentials could not be read.</summary>
    Unknown,
}

/// <summary>
/// Reads a process's dumpability off /proc: the kernel makes the files in /proc/PID belong to root (of the
/// process's user namespace) whenever the attribute is not 1 (the directory itself keeps the effective uid), so
/// for a process that is not root the owner of /proc/PID/stat tells it exactly. For a root process only mixed ids
/// (a setuid root program) reveal it.
/// </summary>
internal static class Dumpability
{
    public static (DumpabilityState State, string Reason) Assess(ProcessFacts facts)
    {
        var c = facts.Credentials;
        if (c is null) return (DumpabilityState.Unknown, "its credentials could not be read");
        uint root = facts.UserNamespaceRoot;
        if (c.EffectiveUid != root)
        {
            if (facts.ProcFileOwner is not { } owner) return (DumpabilityState.Unknown, $"/proc/{facts.Pid}/stat could not be read");
            if (owner != root) return (DumpabilityState.Dumpable, $"dumpable: /proc/{facts.Pid}/stat belongs to its own uid {c.EffectiveUid}");
            return (DumpabilityState.NotDumpable, c.HasMixedIds
                ? $"not dumpable: it runs with mixed ids (uid {Ids(c.RealUid, c.EffectiveUid, c.SavedUid, c.FsUid)}, gid {Ids(c.RealGid, c.EffectiveGid, c.SavedGid, c.FsGid)}): a setuid/setgid program"
                : $"not dumpable: /proc/{facts.Pid}/stat belongs to root although it runs as uid {c.EffectiveUid}: it changed credentials (or called prctl(PR_SET_DUMPABLE, 0))");
        }
        if (c.HasMixedIds)
            return (DumpabilityState.NotDumpable, $"not dumpable: it runs a setuid/setgid program (uid {Ids(c.RealUid, c.EffectiveUid, c.SavedUid, c.FsUid)}, gid {Ids(c.RealGid, c.EffectiveGid, c.SavedGid, c.FsGid)})");
        return (DumpabilityState.AssumedDumpable, "runs as root with uniform ids: dumpable unless it called prctl(PR_SET_DUMPABLE, 0), which /proc cannot show for root");
    }

    private static string Ids(uint real, uint effective, uint saved, uint fs) =>
        real == effective && real == saved && real == fs ? real.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : $"{real}/{effective}/{saved}/{fs}";
}
