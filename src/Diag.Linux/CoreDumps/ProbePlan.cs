using System.Globalization;
using Diag.Linux.ProcFs;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// How a -Verify probe takes over a process's situation: its core and file size limits, its current directory,
/// its root (a container's), its credentials and dumpability. What it cannot take over (credentials without root,
/// a root process's setuid state) is listed in <see cref="Compromises"/> and makes the result unproven.
/// </summary>
internal sealed class ProbePlan
{
    public required CoreDumpChecklist Checklist { get; init; }
    public required ProcessFacts Target { get; init; }
    public required ResourceLimitPair? CoreLimit { get; init; }
    public required ResourceLimitPair? FileSizeLimit { get; init; }

    /// <summary>The directory the probe starts in: the target's, through /proc/PID/cwd.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>chroot here after exec (the target's root, through /proc/PID/root); null to keep ours.</summary>
    public string? ChangeRoot { get; init; }

    public required int Flags { get; init; }
    public required uint Uid { get; init; }
    public required uint Gid { get; init; }
    public required uint[] Groups { get; init; }
    public required IReadOnlyList<string> Compromises { get; init; }

    /// <summary>For ShouldProcess: what -Verify will do.</summary>
    public required string Description { get; init; }

    /// <summary>The probe's dumpable mode as the kernel will see it (%d).</summary>
    public int Dumpable => (Flags & CoreProbeProgram.TakeCredentials) != 0 && (Flags & CoreProbeProgram.StayDumpable) == 0
        ? Checklist.Kernel.SuidDumpable : 1;

    public static ProbePlan? Create(CoreDumpChecklist checklist, out string whyNot)
    {
        whyNot = "";
        if (checklist.Facts is not { } facts) { whyNot = "no process"; return null; }
        if (!checklist.Machine.IsLive) { whyNot = "a fixture has no processes to crash"; return null; }
        if (!Interop.CloneTrampoline.IsSupported) { whyNot = "the probe is x86_64 machine code"; return null; }
        if (facts.Credentials is not { } target) { whyNot = "the process's credentials cannot be read"; return null; }
        var self = ProcessCredentials.Parse(MachineRoot.ReadHostText("/proc/self/status"));
        if (self is null) { whyNot = "this process's credentials cannot be read"; return null; }

        var compromises = new List<string>();
        int flags = 0;
        bool canChangeIds = self.HasCapability(Capabilities.CapSetUid) && self.HasCapability(Capabilities.CapSetGid);
        bool sameIds = target.FsUid == self.EffectiveUid && target.FsGid == self.EffectiveGid && target.Groups.Order().SequenceEqual(self.Groups.Order());
        switch (checklist.DumpabilityState)
        {
            case DumpabilityState.NotDumpable when target.FsUid != self.EffectiveUid && canChangeIds:
                flags |= CoreProbeProgram.TakeCredentials; // the kernel applies fs.suid_dumpable as it did for the process
                break;
            case DumpabilityState.NotDumpable:
                compromises.Add("cannot lose its dumpability the way the process did (a credential change from root is needed)");
                break;
            case DumpabilityState.Unknown:
                compromises.Add("cannot know the process's dumpability");
                break;
            default:
                if (!sameIds && canChangeIds) flags |= CoreProbeProgram.TakeCredentials | CoreProbeProgram.StayDumpable;
                else if (!sameIds) compromises.Add($"runs with your credentials (uid {self.EffectiveUid}), not the process's (uid {target.FsUid}): run as root");
                break;
        }
        string? changeRoot = null;
        if (facts.OtherRoot)
        {
            if (self.HasCapability(Capabilities.CapSysChroot))
            {
                changeRoot = checklist.Machine.ProcPath(facts.Pid, "root");
                flags |= CoreProbeProgram.ChangeRoot;
            }
            else compromises.Add("stays in your root, not the process's: run as root");
        }
        if (facts.CoreLimit is null) compromises.Add("uses your core limit (the process's is unreadable)");
        if (checklist.Pattern.Kind == CorePatternKind.File && DirectoryPartHasSpecifier(checklist.Pattern))
            compromises.Add("writes to a directory named for itself, not for the process (the pattern's directory holds %-specifiers)");

        var where = checklist.Pattern.Kind == CorePatternKind.File ? checklist.Location?.Directory ?? "its directory" : checklist.Destination();
        return new ProbePlan
        {
            Checklist = checklist,
            Target = facts,
            CoreLimit = facts.CoreLimit,
            FileSizeLimit = facts.FileSizeLimit,
            WorkingDirectory = checklist.Machine.ProcPath(facts.Pid, "cwd"),
            ChangeRoot = changeRoot,
            Flags = flags,
            Uid = (flags & CoreProbeProgram.TakeCredentials) != 0 ? target.FsUid : self.EffectiveUid,
            Gid = (flags & CoreProbeProgram.TakeCredentials) != 0 ? target.FsGid : self.EffectiveGid,
            Groups = (flags & CoreProbeProgram.TakeCredentials) != 0 ? target.Groups : self.Groups,
            Compromises = compromises,
            Description = $"Crash a probe process (SIGSEGV) with the core limit, directory and credentials of {facts.Name} ({facts.Pid.ToString(CultureInfo.InvariantCulture)}), " +
                          $"then delete the core it leaves in {where}",
        };
    }

    private static bool DirectoryPartHasSpecifier(CorePattern pattern)
    {
        int slash = pattern.Text.LastIndexOf('/');
        return slash > 0 && pattern.Text[..slash].Replace("%%", "", StringComparison.Ordinal).Contains('%');
    }

    /// <summary>The probe's argv: name, FLAGS, UID, GID, ROOT, GROUPs (see CoreProbeProgram.X86_64.S).</summary>
    public List<string> Arguments()
    {
        var args = new List<string>
        {
            CoreProbeProgram.Name,
            Flags.ToString(CultureInfo.InvariantCulture),
            Uid.ToString(CultureInfo.InvariantCulture),
            Gid.ToString(CultureInfo.InvariantCulture),
            ChangeRoot ?? "/",
        };
        args.AddRange(Groups.Take(64).Select(g => g.ToString(CultureInfo.InvariantCulture)));
        return args;
    }
}
