using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.Tests.Bpf;
using Diag.Linux.Tracing.Kernel;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>
/// The programs instruction by instruction: their listings are checked in (Programs/*.txt, the reviewed
/// form of the bytecode; a change to the generator shows up there as a diff), every variant passes the
/// kernel's verifier (the assembler's own encodings: Bpf/AssemblerTests).
/// To accept a changed listing after reviewing it: DIAG_UPDATE_LISTINGS=1 dotnet test ... --filter SyscallProgramTests.
/// </summary>
public sealed class SyscallProgramTests
{
    public static TheoryData<string> Listings => new() { "count-process", "count-process-typed", "time-process", "time-thread-follow-bythread-selective", "count-follow" };

    [Theory]
    [MemberData(nameof(Listings))]
    public void ListingIsTheReviewedOne(string variant)
    {
        var settings = Settings(variant);
        using var maps = KernelTraceMaps.Create(settings, settings.Selective ? new HashSet<int> { 39, 257 } : null);
        var listing = Listing(settings, maps);
        var file = Path.Combine(SourceDirectory(), "Programs", variant + ".txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
            File.WriteAllText(file, listing);
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);
    }

    [Fact]
    public void EveryVariantPassesTheVerifier()
    {
        var loaded = 0;
        foreach (var latency in new[] { false, true })
        foreach (var thread in new[] { false, true })
        foreach (var follow in new[] { false, true })
        foreach (var byThread in new[] { false, true })
        foreach (var selective in new[] { false, true })
        foreach (var typed in latency ? new[] { false } : [false, true])
        {
            var settings = new KernelTraceSettings
            {
                TargetId = 4242, MeasureLatency = latency, ThreadTarget = thread, FollowForks = follow,
                ByThread = byThread, Selective = selective, TaskTgidOffset = 2000, WatchExit = !thread, TaskExitCodeOffset = 3000,
                SysExitBtfId = typed ? KernelTraceSupport.SysExitBtfId!.Value : 0,
            };
            using var maps = KernelTraceMaps.Create(settings, selective ? new HashSet<int> { 39 } : null);
            foreach (var (name, code) in Programs(settings, maps))
            {
                // Throws with the verifier's log.
                using var program = name == "sys_exit" && settings.SysExitBtfId != 0
                    ? BpfProgram.LoadTracing("diag_" + name, code, BpfAttachType.TraceRawTracepoint, settings.SysExitBtfId)
                    : BpfProgram.LoadRawTracepoint("diag_" + name, code);
                Assert.False(program.Fd.IsInvalid);
                Assert.True(code.Length < 400, $"{name}: {code.Length} instructions");
                loaded++;
            }
        }
        // sys_exit always (counting: plain and typed), sys_enter with latency, fork with follow, exit for a process.
        Assert.Equal(48 + 16 + 24 + 24, loaded);
    }

    private static KernelTraceSettings Settings(string variant) => new()
    {
        TargetId = 4242,
        MeasureLatency = variant.StartsWith("time", StringComparison.Ordinal),
        ThreadTarget = variant.Contains("-thread", StringComparison.Ordinal),
        FollowForks = variant.Contains("follow", StringComparison.Ordinal),
        ByThread = variant.Contains("bythread", StringComparison.Ordinal),
        Selective = variant.Contains("selective", StringComparison.Ordinal),
        TaskTgidOffset = 2000,
        WatchExit = !variant.Contains("-thread", StringComparison.Ordinal),
        TaskExitCodeOffset = 3000,
        SysExitBtfId = variant.EndsWith("-typed", StringComparison.Ordinal) ? 1 : 0, // any id: the listing does not show it
    };

    private static IEnumerable<(string Name, BpfInstruction[] Code)> Programs(KernelTraceSettings settings, KernelTraceMaps maps)
    {
        var programs = new SyscallPrograms(settings, maps);
        if (settings.FollowForks)
            yield return ("fork", programs.SchedProcessFork());
        if (settings.WatchExit)
            yield return ("exit", programs.SchedProcessExit());
        if (settings.MeasureLatency)
            yield return ("sys_enter", programs.SysEnter());
        yield return ("sys_exit", programs.SysExit());
    }

    private static string Listing(KernelTraceSettings settings, KernelTraceMaps maps)
    {
        var names = new[] { maps.Stats, maps.Zero, maps.Errors, maps.Entries, maps.ExecEntries, maps.Selected, maps.Traced, maps.Exit, maps.Lost }
            .Where(m => m is not null).ToDictionary(m => m!.Fd.Value, m => m!.Name);
        var text = $"# {settings with { }}\n";
        foreach (var (name, code) in Programs(settings, maps))
            text += $"\n{name} ({code.Length} instructions)\n" + BpfListing.Render(code, names);
        return text;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
