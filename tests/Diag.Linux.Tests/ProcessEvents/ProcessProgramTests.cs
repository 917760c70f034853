using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.ProcessEvents.Kernel;
using Diag.Linux.Tests.Bpf;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>
/// The process-event programs instruction by instruction: their listings are checked in (Programs/*.txt, assembled
/// with a fixed table of offsets so that they read the same on every kernel; a change to the generator shows up there
/// as a diff), and every variant passes the running kernel's verifier with its real offsets.
/// To accept a changed listing after reviewing it: DIAG_UPDATE_LISTINGS=1 dotnet test ... --filter ProcessProgramTests.
/// </summary>
public sealed class ProcessProgramTests
{
    public static TheoryData<bool, bool, bool, bool, bool, int> Variants()
    {
        var data = new TheoryData<bool, bool, bool, bool, bool, int>();
        foreach (var summary in new[] { false, true })
        foreach (var mode in new[] { 0, 1, 2 })
        {
            data.Add(summary, false, false, false, false, mode);
            data.Add(summary, true, true, true, true, mode);
        }
        return data;
    }

    [RootTheory]
    [MemberData(nameof(Variants))]
    public void EveryVariantPassesTheVerifier(bool summary, bool users, bool names, bool executables, bool oldExit, int parentMode)
    {
        var layout = BtfLayout.Running();
        var tracepoints = ProcessTracepoints.Find(layout.Types, layout.Kernel);
        var settings = new ProcessProgramSettings
        {
            Summary = summary, FailedExecs = true, FilterUsers = users, FilterNames = names, FilterExecutables = executables,
            Parents = (ParentFilterMode)parentMode, ExitHasGroupDead = tracepoints.ExitHasGroupDead && !oldExit,
        };
        using var maps = ProcessEventMaps.Create(settings);
        var programs = new ProcessEventPrograms(settings, maps, new KernelOffsets(layout));
        foreach (var (name, code, id) in new[]
                 {
                     ("fork", programs.Fork(), tracepoints.ForkId), ("exec", programs.Exec(), tracepoints.ExecId),
                     ("exit", programs.Exit(), tracepoints.ExitId), ("execfail", programs.ExecFailed(), tracepoints.SysExitId),
                 })
        {
            using var program = BpfProgram.LoadTracing("diag_" + name, code, BpfAttachType.TraceRawTracepoint, id);
            Assert.False(program.Fd.IsInvalid);
        }
    }

    public static TheoryData<string> Listings => new() { "events", "summary-descendants-filtered" };

    [Theory]
    [MemberData(nameof(Listings))]
    public void ListingIsTheReviewedOne(string variant)
    {
        var settings = variant == "events"
            ? new ProcessProgramSettings { FailedExecs = true, ExitHasGroupDead = true }
            : new ProcessProgramSettings
            {
                Summary = true, FailedExecs = true, FilterUsers = true, FilterNames = true, FilterExecutables = true,
                Parents = ParentFilterMode.Descendants, ShortLifetimeNanoseconds = 1_000_000_000, ExitHasGroupDead = false,
            };
        using var maps = ProcessEventMaps.Create(settings);
        var programs = new ProcessEventPrograms(settings, maps, FixedOffsets());
        var names = new[] { maps.Events?.Map, maps.Events?.Lost, maps.Scratch, maps.Summary, maps.Executables, maps.Lost, maps.Parents, maps.Users, maps.Names, maps.ExecutableFilter }
            .Where(m => m is not null).ToDictionary(m => m!.Fd.Value, m => m!.Name);
        var listing = $"# {variant}: summary {settings.Summary}, parents {settings.Parents}, users {settings.FilterUsers}, names {settings.FilterNames}, executables {settings.FilterExecutables}, group_dead {settings.ExitHasGroupDead}\n";
        foreach (var (name, code) in new[] { ("fork", programs.Fork()), ("exec", programs.Exec()), ("exit", programs.Exit()), ("execfail", programs.ExecFailed()) })
            listing += $"\n{name} ({code.Length} instructions)\n" + BpfListing.Render(code, names);

        var file = Path.Combine(SourceDirectory(), "Programs", variant + ".txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, listing);
        }
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);
    }

    /// <summary>Offsets that read well in a listing: a hundred per structure, eight per member (d_hash.pprev,
    /// d_parent, d_name and mnt_parent, mnt_mountpoint together, as the programs need them).</summary>
    private static KernelOffsets FixedOffsets()
    {
        var structures = new List<string>();
        var members = new Dictionary<string, short>
        {
            ["dentry.d_hash.pprev"] = 16, ["dentry.d_parent"] = 24, ["dentry.d_name"] = 32, ["qstr.name"] = 8, ["qstr.len"] = 4,
            ["mount.mnt_parent"] = 16, ["mount.mnt_mountpoint"] = 24, ["mount.mnt"] = 32, ["path.mnt"] = 0, ["path.dentry"] = 8,
        };
        short Offset(string structure, string path)
        {
            if (members.TryGetValue(structure + "." + path, out var known))
                return known;
            if (!structures.Contains(structure))
                structures.Add(structure);
            var value = (short)(100 * structures.IndexOf(structure) + 8 * members.Keys.Count(k => k.StartsWith(structure + ".", StringComparison.Ordinal)));
            members[structure + "." + path] = value;
            return value;
        }
        return new KernelOffsets("a fixed table", Offset, _ => 16);
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
