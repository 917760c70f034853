using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Tests.Bpf;
using Diag.Linux.Threads.Kernel;

namespace Diag.Linux.Tests.Threads;

/// <summary>
/// Get-ThreadCpu's kernel programs instruction by instruction: the reviewed listings are checked in
/// (Programs/*.txt, for fixed structure offsets, so that they do not depend on the kernel the tests run on), and
/// each variant, assembled for the running kernel, passes its verifier.
/// To accept a changed listing after reviewing it: DIAG_UPDATE_LISTINGS=1 dotnet test ... --filter ThreadProgramTests.
/// </summary>
public sealed class ThreadProgramTests
{
    /// <summary>Offsets that no kernel has, so that a listing shows which field each instruction reads.</summary>
    private static readonly TaskLayout Numbered = new()
    {
        Pid = 1000, Tgid = 1004, State = 24, ExitState = 1100, Flags = 44, Cpu = 20, OnRunQueue = 104, Prio = 108, StaticPrio = 112,
        UserTime = 1200, SystemTime = 1208, RunTime = 1300, VoluntarySwitches = 1400, InvoluntarySwitches = 1408,
        MinorFaults = 1500, MajorFaults = 1508, StartBootTime = 1600, Comm = 1700, ThreadPid = 1800, GroupLeader = 1808,
        PidLevel = 4, PidNumbers = 144, UpidSize = 16, UpidNr = 0, OrigAx = 120,
    };

    public static TheoryData<string> Listings => new() { "task-iterator", "task-iterator-filtered" };

    [RootTheory]
    [MemberData(nameof(Listings))]
    public void ListingIsTheReviewedOne(string variant)
    {
        using var format = BpfMap.CreateReadOnlyData("diag_wchan_fmt", TaskIteratorProgram.WaitChannelFormat);
        using var passKind = BpfMap.Create("diag_task_pass", BpfMapType.Array, 4, 4, 1);
        using var filter = variant.EndsWith("-filtered", StringComparison.Ordinal) ? BpfMap.Create("diag_task_sel", BpfMapType.Hash, 4, 4, 16) : null;
        var code = TaskIteratorProgram.Build(Numbered, filter, format, passKind);
        var names = new[] { format, passKind, filter }.Where(m => m is not null).ToDictionary(m => m!.Fd.Value, m => m!.Name);
        var listing = $"# {variant}: one TaskRecord ({TaskRecord.Size} bytes) per thread\n\n" + BpfListing.Render(code, names);
        var file = Path.Combine(SourceDirectory(), "Programs", variant + ".txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
            File.WriteAllText(file, listing);
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);
    }

    [RootFact]
    public void EveryVariantPassesTheVerifier()
    {
        var layout = TaskLayout.Running();
        var iterator = KernelBtf.Vmlinux!.Function("bpf_iter_task")!.Id;
        using var format = BpfMap.CreateReadOnlyData("diag_wchan_fmt", TaskIteratorProgram.WaitChannelFormat);
        using var passKind = BpfMap.Create("diag_task_pass", BpfMapType.Array, 4, 4, 1);
        using var filter = BpfMap.Create("diag_task_sel", BpfMapType.Hash, 4, 4, 16);
        foreach (var selected in new[] { null, filter })
        {
            var code = TaskIteratorProgram.Build(layout, selected, format, passKind);
            using var program = BpfProgram.LoadTracing("diag_threads", code, BpfAttachType.TraceIterator, iterator); // throws with the verifier's log
            Assert.True(code.Length < 200, $"{code.Length} instructions");
        }
    }

    [Fact]
    public void StateLettersAreTheKernels()
    {
        Assert.Equal((byte)'R', TaskStateLetter.From(0, 0));
        Assert.Equal((byte)'S', TaskStateLetter.From(0x1, 0));
        Assert.Equal((byte)'D', TaskStateLetter.From(0x2, 0));
        Assert.Equal((byte)'T', TaskStateLetter.From(0x4 | 0x100, 0));         // TASK_STOPPED = __TASK_STOPPED | TASK_WAKEKILL
        Assert.Equal((byte)'t', TaskStateLetter.From(0x8, 0));
        Assert.Equal((byte)'Z', TaskStateLetter.From(0x80, 0x20));             // TASK_DEAD with EXIT_ZOMBIE
        Assert.Equal((byte)'X', TaskStateLetter.From(0x80, 0x10));             // EXIT_DEAD
        Assert.Equal((byte)'P', TaskStateLetter.From(0x40, 0));
        Assert.Equal((byte)'I', TaskStateLetter.From(0x2 | 0x400, 0));         // TASK_IDLE
        Assert.Equal((byte)'D', TaskStateLetter.From(0x1 | 0x8000, 0));        // frozen: shown as disk sleep
        Assert.Equal((byte)'S', TaskStateLetter.From(0x1 | 0x2000, 0));        // TASK_FREEZABLE is not reported
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
