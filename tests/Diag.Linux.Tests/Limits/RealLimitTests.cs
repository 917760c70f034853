using Diag.Linux.Limits;

namespace Diag.Linux.Tests.Limits;

/// <summary>Limits of real processes against what they use: the supervisord worker that ran out of descriptors, from
/// its limit's side.</summary>
public sealed class RealLimitTests
{
    private static ProcessLimitResult Read(int pid)
    {
        using var reader = new ProcessLimitReader();
        var result = reader.Read(pid, "diag-test-target");
        Assert.True(result.Problem is null, result.Problem);
        return result;
    }

    private static ulong OwnLimit(string label, int field) =>
        ulong.Parse(File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith(label)).Substring(26).Split(' ', StringSplitOptions.RemoveEmptyEntries)[field]);

    [Fact]
    public void AProcessAtNinetyPercentOfItsOpenFilesIsNearLimitWithThePrlimitCommand()
    {
        using var target = TargetProcess.Start("nofile-fill", "90", "1000");
        Assert.Equal(900, target.Status()["open"]);

        var result = Read(target.Pid);

        Assert.Equal(Enum.GetValues<ResourceLimitKind>(), result.Limits.Select(l => l.ResourceValue));
        var nofile = result.Limits.Single(l => l.ResourceValue == ResourceLimitKind.OpenFiles);
        Assert.Equal("NOFILE", nofile.Name);
        Assert.Equal(1000UL, nofile.SoftLimit);
        Assert.Equal(OwnLimit("Max open files", 1), nofile.HardLimit);
        Assert.Equal(900UL, nofile.Used);
        Assert.Equal(90.0, nofile.UsedPercent);
        Assert.Equal(100UL, nofile.Headroom);
        Assert.Equal(LimitStatus.NearLimit, nofile.StatusValue);
        Assert.Contains("EMFILE", nofile.Note);
        Assert.StartsWith($"prlimit --pid {target.Pid} --nofile=2048:", nofile.ChangeNow);
        // It lowered the limit itself: its parent (this test host) has the higher one.
        Assert.Equal(LimitSource.SetByProcess, nofile.SourceValue);
        Assert.Contains("set by the process itself", nofile.SourceDetail);
        Assert.Equal(target.Pid, nofile.OriginProcessId);
        Assert.Equal(Environment.ProcessId, nofile.ParentProcessId);
        Assert.Equal(OwnLimit("Max open files", 0), nofile.ParentSoftLimit);
        Assert.NotEmpty(nofile.ChangeLasting);
    }

    [Fact]
    public void AChildThatInheritedTheLimitNamesTheProcessThatSetIt()
    {
        using var spawner = TargetProcess.Start("nofile-spawn", "512", "nofile-fill", "10", "0");
        int child = spawner.ReadyPid;

        var nofile = Read(child).Limits.Single(l => l.ResourceValue == ResourceLimitKind.OpenFiles);

        Assert.Equal(512UL, nofile.SoftLimit);
        Assert.Equal(LimitStatus.Ok, nofile.StatusValue);
        Assert.Equal(LimitSource.SetByProcess, nofile.SourceValue);
        Assert.Equal(spawner.Pid, nofile.OriginProcessId);
        Assert.Contains($"inherited from diag-test-target ({spawner.Pid}), which set it", nofile.SourceDetail);
        Assert.Equal(spawner.Pid, nofile.ParentProcessId);
        Assert.Equal(512UL, nofile.ParentSoftLimit);
        Assert.Empty(nofile.ChangeNow); // Ok: nothing to change
    }

    [Fact]
    public void UseIsMeasuredWhereTheKernelCountsIt()
    {
        using var target = TargetProcess.Start("arenas-hold", "4", "64");
        var limits = Read(target.Pid).Limits.ToDictionary(l => l.ResourceValue);
        var status = File.ReadAllLines($"/proc/{target.Pid}/status").ToDictionary(l => l.Split(':')[0], l => l.Split(':', 2)[1].Trim());

        Assert.Equal(ulong.Parse(status["VmSize"].Split(' ')[0]) * 1024, limits[ResourceLimitKind.AddressSpace].Used);
        Assert.Equal(ulong.Parse(status["VmStk"].Split(' ')[0]) * 1024, limits[ResourceLimitKind.Stack].Used);
        Assert.Equal(ulong.Parse(status["SigQ"].Split('/')[0]), limits[ResourceLimitKind.PendingSignals].Used);
        Assert.Null(limits[ResourceLimitKind.Processes].Used); // root's: not enforced, not counted
        Assert.Contains("Not enforced for root", limits[ResourceLimitKind.Processes].Note);
        Assert.Null(limits[ResourceLimitKind.CoreFileSize].Used);
        Assert.Equal("Not enforced by Linux.", limits[ResourceLimitKind.ResidentSet].Note);
    }

    [Fact]
    public void AnotherUsersProcessesAndThreadsAreCountedAgainstTheirLimit()
    {
        using var target = TargetProcess.Start("as-user", "65534", "arenas-hold", "4", "64");
        var nproc = Read(target.ReadyPid).Limits.Single(l => l.ResourceValue == ResourceLimitKind.Processes);
        // Every task of uid 65534 counts (other tests may run some): at least the target's five threads.
        Assert.True(nproc.Used >= 5, $"nobody's tasks include the target's five threads, counted {nproc.Used}");
        Assert.Equal(LimitStatus.Ok, nproc.StatusValue);
        Assert.Equal("", nproc.Note);
    }

    [Fact]
    public void AZombieHasNoLimitsLeftAndSaysWhy()
    {
        using var target = TargetProcess.Start("zombie");
        using var reader = new ProcessLimitReader();

        var result = reader.Read(target.Threads["zombie"], "diag-test-target");

        Assert.Empty(result.Limits);
        Assert.Contains("zombie", result.Problem);
    }

    [Fact]
    public void AllListsTheProcessNearestItsLimitBeforeTheOthers()
    {
        using var target = TargetProcess.Start("nofile-fill", "95", "1000");
        using var reader = new ProcessLimitReader();

        var rows = reader.ReadAll(CancellationToken.None, null, out _);

        var ours = rows.First(r => r.ProcessId == target.Pid);
        Assert.Equal(ResourceLimitKind.OpenFiles, ours.ResourceValue);
        Assert.Equal(LimitStatus.NearLimit, ours.StatusValue);
        Assert.All(rows, r => Assert.NotNull(r.Used));
        for (int i = 1; i < rows.Count; i++) Assert.True((rows[i - 1].UsedPercent ?? -1) >= (rows[i].UsedPercent ?? -1), $"row {i} is out of order");
    }
}
