using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>The checklist of real processes on this machine (kernel.core_pattern "core", a relative pattern,
/// on the machines these tests run on): limits, directories, credentials, program switches, namespaces.</summary>
public sealed class RealProcessTests
{
    [Fact]
    public void AZeroCoreLimitFailsWithThePrlimitRemedy()
    {
        using var target = TargetProcess.Start("sleep");
        CoreDumpTargets.SetCoreLimit(target.Pid, 0);

        var report = CoreDumpTargets.Inspect(target.Pid);

        var limit = report.Check(CoreDumpCheckName.CoreLimit);
        Assert.Equal("soft 0, hard unlimited", limit.Actual);
        Assert.Equal(CheckStatus.Fail, limit.StatusValue);
        // The hard limit is unlimited: the soft one may rise to it without privilege.
        Assert.StartsWith($"now: prlimit --pid {target.Pid} --core=unlimited:;", limit.Remedy);
        Assert.Contains("ulimit -c unlimited", limit.Remedy);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
        Assert.Contains(CoreDumpCheckName.CoreLimit, report.Verdict.BlockerNames);
        Assert.All(report.Checks, c => Assert.Equal(target.Pid, c.ProcessId));
        Assert.All(report.Checks, c => Assert.Equal("diag-test-target", c.ProcessName));
    }

    [Fact]
    public void AnUnlimitedProcessWhoseDirectoryItCannotWriteFailsUnderARelativePattern()
    {
        Assert.True(CoreDumpTargets.Kernel.Pattern is { Kind: CorePatternKind.File, IsAbsolute: false },
            "this test needs a relative kernel.core_pattern (the default 'core'), as the test machines have");
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null,
            "credentials", $"{CoreDumpTargets.Nobody}", $"{CoreDumpTargets.Nobody}", "core", "dumpable");

        var report = CoreDumpTargets.Inspect(target.Pid);

        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.CoreLimit));
        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.SuidDumpable)); // dumpable again: only the directory stops it
        var directory = report.Check(CoreDumpCheckName.CoreDirectory);
        Assert.Equal(CheckStatus.Fail, directory.StatusValue);
        Assert.Contains($"{dir.FullName}: owner root (0), mode 0755", directory.Actual);
        Assert.Equal("writable by nobody (65534)", directory.Expected);
        Assert.Contains("kernel.core_pattern=/var/crash/core.%e.%p", directory.Remedy);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
        Assert.Equal([CoreDumpCheckName.CoreDirectory], report.Verdict.BlockerNames);
    }

    [Fact]
    public void AProcessThatSwitchedFromRootIsJudgedAgainstSuidDumpable()
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Shared);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null,
            "credentials", $"{CoreDumpTargets.Nobody}", $"{CoreDumpTargets.Nobody}", "core");
        var kernel = CoreDumpTargets.Kernel;

        var check = CoreDumpTargets.Inspect(target.Pid).Check(CoreDumpCheckName.SuidDumpable);

        Assert.Contains("not dumpable", check.Actual);
        Assert.Contains("/stat belongs to root although it runs as uid 65534", check.Actual);
        var expected = kernel.SuidDumpable switch
        {
            0 => CheckStatus.Fail,
            1 => CheckStatus.Warning,
            _ => kernel.Pattern.IsAbsolute ? CheckStatus.Pass : CheckStatus.Fail,
        };
        Assert.Equal(expected, check.StatusValue);
    }

    [Theory]
    [InlineData(false, CheckStatus.Fail)]
    [InlineData(true, CheckStatus.Pass)]
    public void AMysqldWithoutCoreFileLeavesNoCore(bool coreFile, CheckStatus status)
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        var mysqld = CoreDumpTargets.StandIn(dir, "mysqld");
        using var target = TargetProcess.StartProgram(mysqld, dir.FullName, null, coreFile ? ["sleep", "--core-file"] : ["sleep"]);

        var report = CoreDumpTargets.Inspect(target.Pid);

        var program = report.Check(CoreDumpCheckName.Program);
        Assert.Equal(status, program.StatusValue);
        Assert.Equal(coreFile ? "mysqld: --core-file (command line)" : "mysqld: not set (default: off)", program.Actual);
        if (!coreFile)
        {
            Assert.Contains("core-file", program.Remedy);
            Assert.Contains(CoreDumpCheckName.Program, report.Verdict.BlockerNames);
            Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
        }
        else Assert.DoesNotContain(CoreDumpCheckName.Program, report.Verdict.BlockerNames);
        Assert.Equal("mysqld", report.Verdict.ProcessName);
    }

    [Theory]
    [InlineData(null, CheckStatus.Warning)]
    [InlineData("single", CheckStatus.Warning)]
    [InlineData("crash", CheckStatus.Pass)]
    public void AGoProgramNeedsGotracebackCrash(string? gotraceback, CheckStatus status)
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        var go = CoreDumpTargets.GoLike(dir);
        var environment = gotraceback is null ? null : new Dictionary<string, string> { ["GOTRACEBACK"] = gotraceback };
        using var target = TargetProcess.StartProgram(go, dir.FullName, environment, "sleep");

        var program = CoreDumpTargets.Inspect(target.Pid).Check(CoreDumpCheckName.Program);

        Assert.Equal(status, program.StatusValue);
        Assert.StartsWith("a Go program: ", program.Actual);
        if (gotraceback is not null) Assert.Contains($"GOTRACEBACK={gotraceback} (environment)", program.Actual);
    }

    [Fact]
    public void AProcessInItsOwnPidNamespaceIsNamedWithItsInnerPid()
    {
        using var unshare = TargetProcess.StartProgram("/usr/bin/unshare", null, null, "--pid", "--fork", TargetProcess.ExecutablePath, "sleep");
        int pid = int.Parse(File.ReadAllText($"/proc/{unshare.Pid}/task/{unshare.Pid}/children").Trim());

        var report = CoreDumpTargets.Inspect(pid);

        var container = report.Check(CoreDumpCheckName.Container);
        Assert.Equal(CheckStatus.Info, container.StatusValue);
        Assert.Contains("PID namespace (pid 1 inside)", container.Actual);
        if (CoreDumpTargets.Kernel.UsesPid) Assert.EndsWith(".1", report.Verdict.Destination);
    }

    [Fact]
    public void AKernelThreadNeverDumps()
    {
        var report = CoreDumpTargets.Inspect(2); // kthreadd
        var check = Assert.Single(report.Checks);
        Assert.Equal(CoreDumpCheckName.Program, check.CheckName);
        Assert.Equal("a kernel thread", check.Actual);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
        Assert.Equal("A kernel thread never dumps core.", report.Verdict.Summary);
    }

    [Fact]
    public void AProcessThatDoesNotExistGivesNoReport() => Assert.Null(new CoreDumpInspector().InspectProcess(int.MaxValue));
}
