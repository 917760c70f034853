using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>A known number of forks, execs and exits (the target's lifecycle mode) is exactly what the watch
/// reports, with each field from the kernel: exit codes, signals, lifetimes, the parent, the user.</summary>
public sealed class ExactCountTests
{
    private const int Exits = 5, Execs = 4, Kills = 3;

    [RootTheory]
    [InlineData(ProcessEventSourceChoice.Kernel)]
    [InlineData(ProcessEventSourceChoice.ProcessConnector)]
    public void EveryForkExecAndExitOfTheChildrenIsReportedOnce(ProcessEventSourceChoice source)
    {
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "lifecycle", $"{Exits}", $"{Execs}", $"{Kills}", TargetProcess.ExecutablePath, "exit", "3");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [target.ReadyPid], Source = source },
            () => Assert.Equal(0, Watching.RunToExit(target)));
        var events = items.Events().ToList();
        Assert.Empty(items.Warnings());

        var forks = events.Where(e => e.EventKind == ProcessEventKind.Fork).ToList();
        var execs = events.Where(e => e.EventKind == ProcessEventKind.Exec).ToList();
        var exits = events.Where(e => e.EventKind == ProcessEventKind.Exit).ToList();
        Assert.Equal(Exits + Execs + Kills, forks.Count);
        Assert.Equal(Execs, execs.Count);
        Assert.Equal(Exits + Execs + Kills, exits.Count);
        Assert.All(events, e => Assert.Equal(target.ReadyPid, e.ParentId));
        Assert.All(forks, f => Assert.Contains(exits, x => x.ProcessId == f.ProcessId));

        Assert.Equal(Exits, exits.Count(e => e.ExitCode == 7));
        Assert.Equal(Execs, exits.Count(e => e.ExitCode == 3));
        Assert.Equal(Kills, exits.Count(e => e.Signal == "SIGKILL" && e.ExitCode is null && !e.CoreDumped));
        Assert.All(execs, e => Assert.Null(e.Error));
        Assert.All(events, e =>
        {
            Assert.Equal("diag-test-targe", e.Name);
            Assert.Equal("diag-test-targe", e.ParentName);
            Assert.Equal(0, e.UserId);
            Assert.Equal("root", e.UserName);
            Assert.Equal(source == ProcessEventSourceChoice.Kernel ? ProcessEventSource.Kernel : ProcessEventSource.ProcessConnector, e.SourceKind);
        });
        Assert.All(exits, e => Assert.True(e.Lifetime > TimeSpan.Zero && e.Lifetime < TimeSpan.FromMinutes(1), $"lifetime {e.Lifetime}"));
        // In order: each process forks before it execs and exits.
        foreach (var fork in forks)
        {
            var exit = exits.Single(x => x.ProcessId == fork.ProcessId && x.Timestamp >= fork.Timestamp);
            Assert.True(events.IndexOf(fork) < events.IndexOf(exit));
        }
        if (source == ProcessEventSourceChoice.Kernel)
        {
            // Read in the kernel at the exec: the children that exit at once keep their command line.
            Assert.All(execs, e =>
            {
                Assert.Equal(TargetProcess.ExecutablePath, e.Path);
                Assert.Equal($"{TargetProcess.ExecutablePath} exit 3", e.CommandLine);
                Assert.Equal(new[] { TargetProcess.ExecutablePath, "exit", "3" }, e.Arguments);
                Assert.Equal(TargetProcess.ExecutablePath, e.RequestedPath);
                Assert.False(e.CommandLineCut);
            });
            Assert.All(events, e => Assert.False(e.IsLate));
            Assert.All(forks, f => Assert.Equal(TargetProcess.ExecutablePath, f.Path)); // the parent's program until an exec
            Assert.All(execs, e => Assert.Equal(Directory.GetCurrentDirectory(), e.WorkingDirectory));
            Assert.All(events, e => Assert.Equal(e.ProcessId, e.NamespaceProcessId));
        }
        else
        {
            // Read from /proc afterwards: marked late, and what could be read is right.
            Assert.All(events, e => Assert.True(e.IsLate));
            Assert.All(execs, e => Assert.True(e.CommandLine is null || e.CommandLine == $"{TargetProcess.ExecutablePath} exit 3", e.CommandLine));
        }
    }
}
