using System.Globalization;
using System.Text.RegularExpressions;
using Diag.Linux.ProcessEvents;
using Diag.Linux.Tests.Bpf;
using Diag.Linux.Tests.Tracing.Kernel;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>How a watch ends, and that nothing is left attached whatever ends it; lost events counted exactly.</summary>
public sealed class WatchLifetimeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory($"diag-watch-{Environment.ProcessId}-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RootFact]
    public void CountEndsTheWatchAfterThatManyEventsAndDetaches()
    {
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "lifecycle", "20", "0", "0", "none");
        using var watch = ProcessWatch.Start(new ProcessWatchOptions { ParentIds = [target.ReadyPid], Count = 5 });
        var programs = watch.KernelProgramIds;
        Assert.Equal(3, programs.Count);                          // fork, exit, exec
        Assert.All(programs, id => Assert.True(BpfObjects.ProgramExists(id)));
        target.Release();
        var events = watch.Run().Where(i => i.Kind == ProcessWatchItemKind.Event).ToList();
        Assert.Equal(5, events.Count);
        AssertReleased(programs);
        target.WaitForExit(TimeSpan.FromSeconds(60));
    }

    [RootFact]
    public void AbandoningTheEnumerationDetachesAsSelectObjectFirstDoes()
    {
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "lifecycle", "20", "0", "0", "none");
        using var watch = ProcessWatch.Start(new ProcessWatchOptions { ParentIds = [target.ReadyPid] });
        var programs = watch.KernelProgramIds;
        target.Release();
        var first = watch.Run().Where(i => i.Kind == ProcessWatchItemKind.Event).Take(2).ToList();
        Assert.Equal(2, first.Count);
        AssertReleased(programs);
        target.WaitForExit(TimeSpan.FromSeconds(60));
    }

    [RootFact]
    public void CancellationEndsAtOnceWithoutASummaryAndDetaches()
    {
        using var watch = ProcessWatch.Start(new ProcessWatchOptions { Output = ProcessWatchOutput.Summary });
        var programs = watch.KernelProgramIds;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var items = watch.Run(cancel.Token).ToList();
        Assert.DoesNotContain(items, i => i.Kind == ProcessWatchItemKind.Summary);
        AssertReleased(programs);
    }

    [RootFact]
    public void DurationEndsTheWatchAndLeavesOutWhatCameAfter()
    {
        using var watch = ProcessWatch.Start(new ProcessWatchOptions { Duration = TimeSpan.FromMilliseconds(700), Output = ProcessWatchOutput.Summary });
        var started = DateTime.Now;
        var items = watch.Run().ToList();
        Assert.True(DateTime.Now - started >= TimeSpan.FromMilliseconds(700));
        Assert.All(items.Rows(), r => Assert.Equal(TimeSpan.FromMilliseconds(700), r.Duration));
    }

    [RootFact]
    public void AFullRingBufferLosesEventsAndSaysExactlyHowMany()
    {
        const int storm = 1500;
        var tiny = Path.Combine(_directory, "tiny");
        Assert.Equal(0, TargetProcess.Run("tiny-elf", tiny));
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "exec-storm", $"{storm}", tiny);
        // 64 KiB hold about a hundred fork, exec and exit records; nothing reads them while the storm runs.
        using var watch = ProcessWatch.Start(new ProcessWatchOptions { ParentIds = [target.ReadyPid], RingBufferBytes = 64 << 10 });
        Assert.Equal(0, Watching.RunToExit(target));
        watch.RequestStop();
        var items = watch.Run().ToList();
        var received = items.Events().Count();
        var warning = Assert.Single(items.Warnings());
        var lost = int.Parse(Regex.Match(warning, @"^(\d+) events were lost: the kernel's ring buffer \(64 KiB\) was full").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(lost > 0);
        Assert.Equal(3 * storm, received + lost);               // a fork, an exec and an exit per child: none unaccounted for
    }

    [RootFact]
    public void ASummaryOfAStormLosesNothing()
    {
        const int storm = 3000;
        var tiny = Path.Combine(_directory, "tiny");
        Assert.Equal(0, TargetProcess.Run("tiny-elf", tiny));
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "exec-storm", $"{storm}", tiny);
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [target.ReadyPid], Output = ProcessWatchOutput.Summary },
            () => Assert.Equal(0, Watching.RunToExit(target)));
        Assert.Empty(items.Warnings());
        var rows = items.Rows().ToList();
        Assert.Equal(storm, rows.Sum(r => r.Forks));
        Assert.Equal(storm, rows.Sum(r => r.Execs));
        Assert.Equal(storm, rows.Sum(r => r.Exits));
        var tinyRow = rows.Single(r => r.Name == "tiny");
        Assert.Equal(tiny, tinyRow.Path);
        Assert.Equal(storm, tinyRow.Execs);
        Assert.Equal(storm, tinyRow.Exits);
        Assert.Equal(storm, tinyRow.ShortLived);
    }

    [RootFact]
    public void AKilledWatcherLeavesNoProgramBehind()
    {
        using var holder = KernelProbe.Start([], ["hold"], mode: "process-probe");
        string? line;
        while ((line = holder.StandardOutput.ReadLine()) is not null && !line.StartsWith("PROGRAMS ", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        var programs = line["PROGRAMS ".Length..].Split(' ').Select(uint.Parse).ToList();
        Assert.Equal(3, programs.Count);
        Assert.All(programs, id => Assert.True(BpfObjects.ProgramExists(id)));
        holder.Kill();
        holder.WaitForExit();
        AssertReleased(programs);
    }

    /// <summary>The kernel frees a program once its last descriptor and link are closed and an RCU grace period has
    /// passed: the ids go within milliseconds, not at once.</summary>
    private static void AssertReleased(IReadOnlyCollection<uint> programs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (programs.Any(BpfObjects.ProgramExists) && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        Assert.All(programs, id => Assert.False(BpfObjects.ProgramExists(id)));
    }

    [RootFact]
    public void AsRootWithoutBpfTheProcessConnectorTakesOverAndSaysWhy()
    {
        // Root, but the bounding set without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: exec grants none of them.
        string[] withoutBpf = ["setpriv", "--inh-caps=-bpf,-perfmon,-sys_admin", "--bounding-set=-bpf,-perfmon,-sys_admin", "--"];
        using var probe = KernelProbe.Start(withoutBpf, ["auto", "0"], mode: "process-probe");
        var output = probe.StandardOutput.ReadToEnd();
        probe.WaitForExit();
        var lines = KernelProbe.Parse(output);
        Assert.Equal("0", lines["UID"]);
        Assert.Equal("ProcessConnector", lines["SOURCE"]);
        Assert.Contains("The kernel source cannot be used (no permission to create a BPF map", output, StringComparison.Ordinal);
        Assert.Contains("CAP_BPF and CAP_PERFMON", output, StringComparison.Ordinal);
    }

    [RootFact]
    public void AsNobodyNeitherSourceCanWatchAndTheErrorSaysWhatToDo()
    {
        string[] nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"];
        using var probe = KernelProbe.Start(nobody, ["auto", "0"], mode: "process-probe");
        var output = probe.StandardOutput.ReadToEnd();
        probe.WaitForExit();
        var parsed = KernelProbe.Parse(output);
        Assert.Equal("AccessDenied", parsed["FAILED"]);
        Assert.Contains("the kernel source because no permission to create a BPF map", parsed["MESSAGE"], StringComparison.Ordinal);
        Assert.Contains("the process connector because no permission to listen to the process connector", parsed["MESSAGE"], StringComparison.Ordinal);
        Assert.StartsWith("run as root (sudo pwsh)", parsed["REMEDY"], StringComparison.Ordinal);
        Assert.DoesNotContain("setcap", parsed["REMEDY"], StringComparison.Ordinal);
    }
}
