using Diag.Linux.Ptrace;
using Diag.Linux.Tracing;
using static Diag.Linux.Tests.Tracing.TraceTestSupport;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Diag.Linux.Tests.Tracing;

/// <summary>The run the cmdlet enumerates: the deadline and a cancellation hold whatever the consumer
/// does, what could not be delivered is counted per syscall, and launched commands' output never goes
/// to this process's own stdout.</summary>
public sealed class TraceRunTests
{
    [Fact]
    public void TheDeadlineHoldsForASlowConsumerAndWhatWasNotDeliveredIsCounted()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        using var run = new SyscallTraceRun([new TraceTarget.Process(target.Pid)], new TraceOptions { CollectEvents = true },
            new TraceRunSettings { Duration = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();
        long events = 0;
        TraceRunItem? finished = null;
        foreach (var item in run.Run())
        {
            if (item.Kind == TraceRunItemKind.Event && ++events % 200 == 0)
                Thread.Sleep(100); // a consumer far slower than the target
            if (item.Kind == TraceRunItemKind.Finished)
                finished = item;
        }
        // Before the fix the trace ran until every queued event had been written (about 350 s for 5 s).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"a 1 s trace took {watch.Elapsed}");
        Assert.True(run.DeadlineReached);
        var total = finished!.Value.Total!;
        Assert.Equal("Deadline", total.EndReason);
        Assert.True(total.DroppedEvents > 0, "a slow consumer loses events, and the total says how many");
        Assert.Contains("recvfrom", finished.Value.Message);
        Assert.Contains("-Syscall", finished.Value.Message);
        // Every call is still counted: the summary holds more calls than were delivered.
        Assert.True(Row(finished.Value.Result!, "recvfrom")!.Calls > events);
        AssertRunningAndUntraced(target.Pid);
    }

    [Fact]
    public void CancellationDetachesAtOnceEvenWhileTheConsumerIsBlocked()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        using var cancel = new CancellationTokenSource();
        using var run = new SyscallTraceRun([new TraceTarget.Process(target.Pid)], new TraceOptions { CollectEvents = true });
        var watch = Stopwatch.StartNew();
        foreach (var item in run.Run(cancel.Token))
        {
            if (item.Kind != TraceRunItemKind.Event) continue;
            cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
            Thread.Sleep(1000); // blocked downstream when Ctrl+C comes: the tracee must be let go meanwhile
            Assert.Equal(0, TracerPid(target.Pid));
            break;
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        AssertRunningAndUntraced(target.Pid);
    }

    [Fact]
    public void AnIdleTargetIsSaidToHaveMadeNoCall()
    {
        using var target = SpawnedTarget.Start("sleep");
        target.WaitUntilIdle();
        using var run = new SyscallTraceRun([new TraceTarget.Process(target.Pid)], new TraceOptions(),
            new TraceRunSettings { Duration = TimeSpan.FromMilliseconds(300) });
        var finished = run.Run().Single(i => i.Kind == TraceRunItemKind.Finished);
        Assert.Empty(finished.Result!.Summary);
        Assert.Contains("made no system call", finished.Message);
        Assert.Equal(0, finished.Total!.Calls);
    }

    [Fact]
    public void ALaunchedCommandsOutputIsCapturedLineByLine()
    {
        using var run = new SyscallTraceRun([new TraceTarget.Launch("/bin/sh", ["-c", "echo one; echo two >&2; printf three"], null)],
            new TraceOptions(), new TraceRunSettings { LaunchStreams = LaunchStreamSettings.CaptureAll });
        var items = run.Run().ToList();
        var lines = items.Where(i => i.Kind == TraceRunItemKind.Output).Select(i => (i.Output!.IsError, i.Output.Text)).ToList();
        Assert.Contains((false, "one"), lines);
        Assert.Contains((true, "two"), lines);
        Assert.Contains((false, "three"), lines); // a last line without its newline still comes
        var finished = items.Single(i => i.Kind == TraceRunItemKind.Finished);
        Assert.Equal(0, finished.Total!.ExitCode);
    }

    [Fact]
    public void ALaunchedCommandReadsAndWritesTheFilesItIsGiven()
    {
        var dir = Directory.CreateTempSubdirectory("diag-launch");
        try
        {
            var input = Path.Combine(dir.FullName, "in.txt");
            var output = Path.Combine(dir.FullName, "out.txt");
            File.WriteAllText(input, "hello\n");
            var streams = new LaunchStreamSettings(LaunchStream.ToFile(input), LaunchStream.ToFile(output), LaunchStream.ToFile(output));
            using var run = new SyscallTraceRun([new TraceTarget.Launch("/bin/sh", ["-c", "cat; echo err >&2; exit 3"], null)],
                new TraceOptions(), new TraceRunSettings { LaunchStreams = streams });
            var finished = run.Run().Single(i => i.Kind == TraceRunItemKind.Finished);
            Assert.Equal(3, finished.Total!.ExitCode);
            Assert.Equal("hello\nerr\n", File.ReadAllText(output));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AnOutputFileThatCannotBeOpenedIsALaunchFailureBeforeAnythingRuns()
    {
        var streams = new LaunchStreamSettings(LaunchStream.Null, LaunchStream.ToFile("/nonexistent/dir/out.txt"), LaunchStream.Capture);
        using var run = new SyscallTraceRun([LaunchTarget("getppid", "1", "0")], new TraceOptions(), new TraceRunSettings { LaunchStreams = streams });
        var failure = run.Run().Single();
        Assert.Equal(TraceRunItemKind.StartFailed, failure.Kind);
        Assert.Equal(TargetFailureReason.LaunchFailed, failure.StartFailure!.Reason);
        Assert.Contains("/nonexistent/dir/out.txt", failure.StartFailure.Message);
    }

    [Fact]
    public void AKilledCommandReportsItsSignal()
    {
        using var run = new SyscallTraceRun([new TraceTarget.Launch("/bin/sh", ["-c", "kill -SEGV $$"], null)], new TraceOptions(),
            new TraceRunSettings { LaunchStreams = LaunchStreamSettings.CaptureAll });
        var total = run.Run().Single(i => i.Kind == TraceRunItemKind.Finished).Total!;
        Assert.Null(total.ExitCode);
        Assert.Equal("SIGSEGV", total.TerminatingSignal);
    }
}
