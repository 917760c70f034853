using Diag.Linux.Threads;
using Diag.Linux.Threads.Kernel;

namespace Diag.Linux.Tests.Threads;

/// <summary>
/// Get-ThreadCpu counts each thread's system calls in the kernel over the interval, so that a thread on a CPU is
/// told by what it calls: the seed-000 thread spinning in recvfrom shows recvfrom, not "running".
/// </summary>
public sealed class SyscallRateTests
{
    [RootFact]
    public void ASpinningRecvfromThreadShowsRecvfromAndItsRate()
    {
        using var target = TargetProcess.Start("recvfrom-spin");
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds([target.Pid]));
        Assert.True(sampler.CountsSyscalls, sampler.SyscallCountDescription);
        var batch = sampler.Sample(TimeSpan.FromSeconds(0.5), 1).Single();
        var nat = batch.Thread(target.Threads["NatThread"]);
        Assert.Equal("recvfrom", nat.TopSyscall);
        Assert.True(nat.TopSyscallPerSecond > 1000, $"{nat.TopSyscallPerSecond} recvfrom calls per second");
        Assert.True(nat.SyscallsPerSecond >= nat.TopSyscallPerSecond);
        Assert.StartsWith("recvfrom ", nat.ToString().Split(" % ")[1], StringComparison.Ordinal);
        var main = batch.Thread(target.Pid);
        Assert.Equal(0, main.SyscallsPerSecond); // blocked reading stdin the whole time: no call started
        Assert.Null(main.TopSyscall);
        Assert.Equal(0, batch.UncountedSyscalls);
    }

    [RootFact]
    public void CountsAreExactAndEachIntervalStartsFromZero()
    {
        using var target = TargetProcess.Start("calls");
        int caller = target.Threads["caller"];
        using var counter = SyscallRateCounter.TryStart(filterProcesses: true, out var whyNot) ?? throw new InvalidOperationException(whyNot);
        counter.AddProcess(target.Pid);
        counter.Take();
        target.Command("calls 3000 7");
        var first = counter.Take();
        var c = first.ByThread[caller];
        Assert.Equal(110, c.TopSyscall);                        // getppid
        Assert.Equal(3000, c.TopCalls);
        Assert.True(c.Calls >= 3007, $"{c.Calls} calls");       // the opens, and the read of the next command
        target.Command("calls 0 5");
        var second = counter.Take();
        Assert.True(second.ByThread[caller].TopCalls is 5 or 6, "open (or openat) counted from zero");
        Assert.NotEqual(110, second.ByThread[caller].TopSyscall);
        Assert.Equal(0, second.Lost);
    }

    [RootFact]
    public void OnlyTheSelectedProcessesAreCounted()
    {
        using var selected = TargetProcess.Start("calls");
        using var other = TargetProcess.Start("calls");
        using var counter = SyscallRateCounter.TryStart(filterProcesses: true, out var whyNot) ?? throw new InvalidOperationException(whyNot);
        counter.AddProcess(selected.Pid);
        counter.Take();
        other.Command("calls 500 0");
        selected.Command("calls 200 0");
        var counts = counter.Take();
        Assert.Equal(200, counts.ByThread[selected.Threads["caller"]].TopCalls);
        Assert.False(counts.ByThread.ContainsKey(other.Threads["caller"]));
    }

    [Fact]
    public void WithoutCountingTheRatesAreEmptyAndTheDescriptionSaysWhy()
    {
        using var target = TargetProcess.Start("recvfrom-spin");
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds([target.Pid]), "/", ThreadSources.Proc);
        Assert.False(sampler.CountsSyscalls);
        Assert.Contains("not counted", sampler.SyscallCountDescription, StringComparison.Ordinal);
        var nat = sampler.Sample(TimeSpan.FromSeconds(0.2), 1).Single().Thread(target.Threads["NatThread"]);
        Assert.Null(nat.TopSyscall);
        Assert.Null(nat.SyscallsPerSecond);
    }
}
