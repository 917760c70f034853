using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.MemoryStalls;
using Diag.Linux.Tests.Bpf;

namespace Diag.Linux.Tests.MemoryStalls;

/// <summary>The stall programs as assembled, against reviewed listings (tests/.../MemoryStalls/Programs; regenerate
/// with DIAG_UPDATE_LISTINGS=1 and review the diff), with settings fixed so that the listing does not depend on the
/// running kernel's layout; and each loaded by the real verifier.</summary>
public sealed class ReclaimProgramListingTests
{
    private static readonly ReclaimProgramSettings Fixed = new()
    {
        Selective = true, DirectCompactionOffset = 72, WritebackReason = 1, ProbeRead = BpfHelper.ProbeReadKernel,
    };

    [RootFact]
    public void The_programs_match_their_reviewed_listings_and_pass_the_verifier()
    {
        using var maps = ReclaimMaps.Create([Environment.ProcessId]);
        var programs = new ReclaimPrograms(Fixed, maps);
        var names = new[] { maps.Starts, maps.Threads, maps.Totals, maps.Lost, maps.Epoch, maps.Selected! }
            .ToDictionary(m => m.Fd.Value, m => m.Name);
        var all = new (string Name, BpfInstruction[] Code)[]
        {
            ("reclaim-begin-direct", programs.ReclaimBegin(ReclaimStallLayout.KindDirect)),
            ("reclaim-begin-cgroup", programs.ReclaimBegin(ReclaimStallLayout.KindCgroup)),
            ("reclaim-end", programs.ReclaimEnd()),
            ("compaction-begin", programs.CompactionBegin()),
            ("compaction-end", programs.CompactionEnd()),
            ("throttled", programs.Throttled()),
        };
        var listing = string.Concat(all.Select(p => $"# {p.Name} ({p.Code.Length} instructions)\n" + BpfListing.Render(p.Code, names)));
        var file = Path.Combine(SourceDirectory(), "Programs", "reclaim-selective.txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, listing);
        }
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);
        foreach (var (name, code) in all)
        {
            using var program = BpfProgram.LoadRawTracepoint("diag_rcl_test", code); // throws with the verifier's log
            Assert.Equal(code.Length, program.InstructionCount);
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
