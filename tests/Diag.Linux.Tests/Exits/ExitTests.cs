using Diag.Linux.Exits;

namespace Diag.Linux.Tests.Exits;

/// <summary>
/// Waiting for a process that is not the waiter's child and reading its exit status: what the engineer of the
/// waitpid story wrote a ptrace helper for. Every target here is a child of a spawner, never of the test host.
/// </summary>
public sealed class ExitTests
{
    /// <summary>Starts the wait and returns once every pidfd is open (the first item has been read).</summary>
    private static IEnumerator<ExitWaitItem> StartWait(ProcessExitWaiter waiter, IReadOnlyList<int> pids, bool any = false, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var items = waiter.Wait(pids, any, timeout, cancellationToken).GetEnumerator();
        Assert.True(items.MoveNext());
        Assert.Equal(ExitWaitItemKind.Notice, items.Current.Kind);
        return items;
    }

    private static List<ExitWaitItem> Rest(IEnumerator<ExitWaitItem> items)
    {
        var rest = new List<ExitWaitItem>();
        while (items.MoveNext()) rest.Add(items.Current);
        items.Dispose();
        return rest;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheExitCodeOfAProcessThatIsNotAChild(bool connector)
    {
        using var spawner = TargetProcess.Start("spawn", "exits");
        int pid = spawner.ReadyPid;
        var comm = File.ReadAllText($"/proc/{pid}/comm").Trim(); // "exe": spawn runs it through /proc/self/exe
        using var waiter = new ProcessExitWaiter { ForceProcessConnector = connector };
        var items = StartWait(waiter, [pid]);

        spawner.Send("exit 3");
        var exit = Assert.Single(Rest(items)).Exit!;

        Assert.Equal(pid, exit.ProcessId);
        Assert.Equal(comm, exit.ProcessName);
        Assert.Equal(spawner.Pid, exit.ParentProcessId);
        Assert.Equal(ExitReason.Exited, exit.ReasonValue);
        Assert.Equal(3, exit.ExitCode);
        Assert.Equal(3, exit.ShellExitCode);
        Assert.Equal("", exit.Signal);
        Assert.False(exit.CoreDumped);
        Assert.False(exit.AlreadyExited);
        Assert.Equal(connector ? ExitStatusSource.ProcessConnector : ExitStatusSource.PidfdInfo, exit.ExitStatusSourceValue);
        Assert.True(exit.ExitTime >= exit.StartTime, $"exited {exit.ExitTime:O} before it started {exit.StartTime:O}");
        Assert.True(exit.Lifetime > TimeSpan.Zero);
        Assert.EndsWith("diag-test-target exits", exit.CommandLine);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASignalIsNamedAndTheShellCodeIs128PlusIt(bool connector)
    {
        using var spawner = TargetProcess.Start("spawn", "exits");
        using var waiter = new ProcessExitWaiter { ForceProcessConnector = connector };
        var items = StartWait(waiter, [spawner.ReadyPid]);

        spawner.Send("raise 15");
        var exit = Assert.Single(Rest(items)).Exit!;

        Assert.Equal(ExitReason.Killed, exit.ReasonValue);
        Assert.Null(exit.ExitCode);
        Assert.Equal("SIGTERM", exit.Signal);
        Assert.Equal(15, exit.SignalNumber);
        Assert.Equal(143, exit.ShellExitCode);
        Assert.False(exit.CoreDumped);
    }

    [Fact]
    public void ACrashThatDumpedCoreSaysSo()
    {
        Assert.Equal("core", File.ReadAllText("/proc/sys/kernel/core_pattern").Trim()); // the test machines' relative pattern
        var dir = Directory.CreateTempSubdirectory("diag-exit-core-");
        try
        {
            using var spawner = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null, "spawn", "exits");
            using var waiter = new ProcessExitWaiter();
            var items = StartWait(waiter, [spawner.ReadyPid]);

            spawner.Send("crash");
            var exit = Assert.Single(Rest(items)).Exit!;

            Assert.Equal("SIGSEGV", exit.Signal);
            Assert.True(exit.CoreDumped);
            Assert.Equal(139, exit.ShellExitCode);
            Assert.Contains(dir.GetFiles(), f => f.Name.StartsWith("core", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AProcessThatExitedBeforeTheWaitIsReportedAsSuch()
    {
        using var spawner = TargetProcess.Start("spawn", "exits");
        int pid = spawner.ReadyPid;
        spawner.Send("exit 0");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline) Thread.Sleep(5); // reaped by the spawner
        using var waiter = new ProcessExitWaiter();

        var item = waiter.Wait([pid], false, null, CancellationToken.None).Single(i => i.Kind != ExitWaitItemKind.Notice);

        Assert.Equal(ExitWaitItemKind.ExitedBeforeWait, item.Kind);
        Assert.Contains("exited before the wait started", item.Message);
    }

    [Fact]
    public void AZombieFoundAtTheStartIsReportedAtOnceFromItsStat()
    {
        using var target = TargetProcess.Start("zombie");
        int zombie = target.Threads["zombie"];
        using var waiter = new ProcessExitWaiter();

        var items = waiter.Wait([zombie], false, null, CancellationToken.None).ToList();

        Assert.Contains(items, i => i.Kind == ExitWaitItemKind.Notice && i.Message.Contains($"zombie waiting for its parent ({target.Pid})"));
        var exit = items.Single(i => i.Kind == ExitWaitItemKind.Exited).Exit!;
        Assert.True(exit.AlreadyExited);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(ExitStatusSource.ZombieStat, exit.ExitStatusSourceValue);
        Assert.Null(exit.ExitTime);
        Assert.Null(exit.Lifetime);
    }

    [Fact]
    public void AnyReturnsTheFirstExitAndLeavesTheOthersRunning()
    {
        using var first = TargetProcess.Start("spawn", "exits");
        using var second = TargetProcess.Start("spawn", "exits");
        using var waiter = new ProcessExitWaiter();
        var items = StartWait(waiter, [first.ReadyPid, second.ReadyPid], any: true);

        second.Send("exit 7");
        var exit = Assert.Single(Rest(items)).Exit!;

        Assert.Equal(second.ReadyPid, exit.ProcessId);
        Assert.Equal(7, exit.ExitCode);
        Assert.True(Directory.Exists($"/proc/{first.ReadyPid}"));
    }

    [Fact]
    public void AtTheTimeoutEachProcessStillRunningIsNamed()
    {
        using var a = TargetProcess.Start("spawn", "exits");
        using var b = TargetProcess.Start("spawn", "exits");
        using var waiter = new ProcessExitWaiter();

        var items = waiter.Wait([a.ReadyPid, b.ReadyPid], false, TimeSpan.FromMilliseconds(300), CancellationToken.None).Where(i => i.Kind != ExitWaitItemKind.Notice).ToList();

        Assert.Equal([a.ReadyPid, b.ReadyPid], items.Select(i => i.ProcessId));
        Assert.All(items, i => Assert.Equal(ExitWaitItemKind.StillRunning, i.Kind));
        Assert.Equal($"Process {a.ReadyPid} ({items[0].ProcessName}) was still running when the 0.3-second timeout expired.", items[0].Message);
    }

    [Fact]
    public void CancellationEndsAWaitLongerThanPollCanTakeAtOnce()
    {
        using var target = TargetProcess.Start("spawn", "exits");
        using var waiter = new ProcessExitWaiter();
        using var stop = new CancellationTokenSource();
        var items = StartWait(waiter, [target.ReadyPid], timeout: TimeSpan.FromDays(40), cancellationToken: stop.Token);

        stop.CancelAfter(TimeSpan.FromMilliseconds(200));
        Assert.Empty(Rest(items));
        Assert.True(Directory.Exists($"/proc/{target.ReadyPid}"));
    }

    [Fact]
    public void AThreadIsNotAProcess()
    {
        using var target = TargetProcess.Start("arenas-hold", "1", "4");
        using var waiter = new ProcessExitWaiter();

        var item = waiter.Wait([target.Threads["arena-0"]], false, null, CancellationToken.None).Single(i => i.Kind != ExitWaitItemKind.Notice);

        Assert.Equal(ExitWaitItemKind.NotAProcess, item.Kind);
    }
}
