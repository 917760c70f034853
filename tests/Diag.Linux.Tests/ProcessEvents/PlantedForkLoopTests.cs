using System.Globalization;
using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>
/// The incident of init at 30 % CPU: a supervisor respawns a program that forks a child repeating itself, forever;
/// the program is a planted copy whose name shadows a packaged binary (here sshd, from openssh-server, installed by
/// CI) earlier on PATH. -Summary puts the loop and its respawner on top, with the planted path, counted exactly.
/// </summary>
public sealed class PlantedForkLoopTests : IDisposable
{
    private const int Respawns = 4, Generations = 300;
    private readonly string _directory = Directory.CreateTempSubdirectory($"diag-planted-{Environment.ProcessId}-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RootTheory]
    [InlineData(ProcessEventSourceChoice.Kernel)]
    [InlineData(ProcessEventSourceChoice.ProcessConnector)]
    public void TheSummaryPutsTheLoopAndItsRespawnerOnTopWithThePlantedPath(ProcessEventSourceChoice source)
    {
        var planted = Path.Combine(_directory, "sshd");
        File.Copy(TargetProcess.ExecutablePath, planted);
        File.SetUnixFileMode(planted, (UnixFileMode)Convert.ToInt32("755", 8));
        var info = new System.Diagnostics.ProcessStartInfo(TargetProcess.ExecutablePath);
        foreach (var a in new[] { "exec-on-line", TargetProcess.ExecutablePath, "supervise", $"{Respawns}", "sshd", "forkloop", $"{Generations}" })
            info.ArgumentList.Add(a);
        info.Environment["PATH"] = _directory + ":/usr/sbin:/usr/bin:/sbin:/bin"; // the planted copy first, as in the incident
        using var supervisor = TargetProcess.Start(info);

        var items = Watching.While(
            new ProcessWatchOptions { ParentIds = [supervisor.ReadyPid], IncludeDescendants = true, Output = ProcessWatchOutput.Summary, Source = source },
            () => Assert.Equal(0, Watching.RunToExit(supervisor)));
        Assert.Empty(items.Warnings());
        var rows = items.Rows().ToList();

        // Exact: every fork of the supervisor and of the loop, every respawn, every exit.
        Assert.Equal(Respawns * Generations + Respawns, rows.Sum(r => r.Forks));
        Assert.Equal(Respawns, rows.Sum(r => r.Execs));
        Assert.Equal(Respawns * (Generations + 1), rows.Sum(r => r.Exits));
        var loop = rows.Where(r => r.Name == "sshd").ToList();
        if (source == ProcessEventSourceChoice.Kernel)
        {
            // Each count on its row: the names and programs are read in the kernel as the events happen.
            Assert.Equal(Respawns * Generations, loop.Sum(r => r.Forks));
            Assert.Equal(Respawns, loop.Sum(r => r.Execs));
            Assert.Equal(Respawns * (Generations + 1), loop.Sum(r => r.Exits));
            Assert.Equal(Respawns, rows.Where(r => r.Name == "diag-test-targe").Sum(r => r.Forks)); // the supervisor's children before they exec

            // On top: the loop (sshd forking sshd) and the respawner's row (the supervisor executing sshd), both naming
            // the planted file, not /usr/sbin/sshd.
            var top = rows.Take(2).ToList();
            Assert.Contains(top, r => r.ParentName == "sshd" && r.Name == "sshd" && r.Forks > 0);
            Assert.Contains(top, r => r.ParentName == "diag-test-targe" && r.Name == "sshd" && r.Execs == Respawns);
            Assert.All(top, r => Assert.Equal(planted, r.Path));
            Assert.Equal(planted, top.Single(r => r.ParentName == "sshd").ParentPath);
            Assert.Equal(TargetProcess.ExecutablePath, top.Single(r => r.Execs > 0).ParentPath);
            Assert.All(rows, r => Assert.Equal(ProcessEventSource.Kernel, r.SourceKind));
        }
        else
        {
            // The connector reads names from /proc after the event: a loop whose processes live microseconds is
            // often gone by then, so its counts spread over the names that could be read. None is lost.
            Assert.All(rows, r => Assert.Equal(ProcessEventSource.ProcessConnector, r.SourceKind));
        }
        // Every process of the loop lived less than the short-life threshold.
        Assert.Equal(rows.Sum(r => r.Exits), rows.Sum(r => r.ShortLived));
        Assert.All(rows, r => Assert.True(r.EventsPerSecond > 0));
        Assert.Equal(rows.OrderByDescending(r => r.EventsPerSecond).Select(r => r.EventsPerSecond), rows.Select(r => r.EventsPerSecond));
    }

    [RootFact]
    public void TheTreeFoldsTheRespawnsAndTheLoopIntoOneLine()
    {
        var planted = Path.Combine(_directory, "sshd");
        File.Copy(TargetProcess.ExecutablePath, planted);
        File.SetUnixFileMode(planted, (UnixFileMode)Convert.ToInt32("755", 8));
        var info = new System.Diagnostics.ProcessStartInfo(TargetProcess.ExecutablePath);
        foreach (var a in new[] { "exec-on-line", TargetProcess.ExecutablePath, "supervise", $"{Respawns}", "sshd", "forkloop", $"{Generations}" })
            info.ArgumentList.Add(a);
        info.Environment["PATH"] = _directory + ":/usr/sbin:/usr/bin";
        using var supervisor = TargetProcess.Start(info);

        var items = Watching.While(
            new ProcessWatchOptions { ParentIds = [Environment.ProcessId], IncludeDescendants = true, Output = ProcessWatchOutput.Tree },
            () => Assert.Equal(0, Watching.RunToExit(supervisor)));
        var nodes = items.Where(i => i.Kind == ProcessWatchItemKind.TreeNode).Select(i => i.TreeNode!).ToList();
        // The supervisor (this test host's child) is a root; below it one node for every sshd: respawns and chains.
        var root = nodes.Single(n => n.ProcessId == supervisor.ReadyPid);
        var below = nodes.SkipWhile(n => n != root).Skip(1).TakeWhile(n => n.Depth > root.Depth).ToList();
        var loop = Assert.Single(below);
        Assert.Equal("sshd", loop.Name);
        Assert.Equal(planted, loop.Path);
        Assert.Equal(Respawns * (Generations + 1), loop.Processes);
        Assert.Equal(root.Depth + 1, loop.Depth);
        Assert.Equal("└─ ", loop.Branch[^3..]);
        Assert.Equal($"{TargetProcess.ExecutablePath} supervise {Respawns} sshd forkloop {Generations}", root.CommandLine);
        Assert.Equal("sshd forkloop " + Generations.ToString(CultureInfo.InvariantCulture), loop.CommandLine);
    }
}
