using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>
/// -Verify on this machine's real configuration: a probe crashes with the process's settings; its core is found
/// exactly when the checks say a core is written, and nothing is left behind. The process itself is untouched.
/// </summary>
public sealed class VerifyTests
{
    [RootFact]
    public void AWritableDirectoryAndUnlimitedLimitGiveACoreWhichIsDeleted()
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null, "sleep");
        CoreDumpTargets.SetCoreLimit(target.Pid, ulong.MaxValue);
        var before = CoreDumpTargets.Entries(dir);

        var report = CoreDumpTargets.Verify(target.Pid);

        AssertAgreement(report);
        Assert.Equal(ProbeOutcome.CoreFound, report.Verdict.VerifiedValue);
        var probe = report.Check(CoreDumpCheckName.Probe);
        Assert.Equal(CheckStatus.Pass, probe.StatusValue);
        Assert.StartsWith("core found: " + dir.FullName + "/", probe.Actual);
        Assert.StartsWith(dir.FullName + "/", report.Verdict.ProbeCorePath);
        Assert.Equal(before, CoreDumpTargets.Entries(dir)); // the probe's core is gone
        Assert.False(target.HasExited);
        Assert.Equal(0, target.Status()["threads"]); // still answering: untouched
    }

    [RootFact]
    public void AZeroLimitGivesNoCore()
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null, "sleep");
        CoreDumpTargets.SetCoreLimit(target.Pid, 0);

        var report = CoreDumpTargets.Verify(target.Pid);

        AssertAgreement(report);
        Assert.Equal(ProbeOutcome.NoCore, report.Verdict.VerifiedValue);
        Assert.Equal(CheckStatus.Fail, report.Status(CoreDumpCheckName.Probe));
        Assert.Empty(CoreDumpTargets.Entries(dir));
        Assert.Contains("as the checks say", report.Verdict.Summary);
    }

    [RootFact]
    public void ADirectoryTheProcessCannotWriteGivesNoCoreEvenForARootProbe()
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null,
            "credentials", $"{CoreDumpTargets.Nobody}", $"{CoreDumpTargets.Nobody}", "core", "dumpable");

        var report = CoreDumpTargets.Verify(target.Pid);

        AssertAgreement(report);
        Assert.Equal(ProbeOutcome.NoCore, report.Verdict.VerifiedValue); // the probe took nobody's credentials
        Assert.Empty(CoreDumpTargets.Entries(dir));
    }

    [RootFact]
    public void AProcessThatSwitchedFromRootDumpsAsSuidDumpableSays()
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Shared);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null,
            "credentials", $"{CoreDumpTargets.Nobody}", $"{CoreDumpTargets.Nobody}", "core");

        var report = CoreDumpTargets.Verify(target.Pid);

        AssertAgreement(report);
        Assert.Empty(CoreDumpTargets.Entries(dir));
    }

    [RootFact]
    public void ADeletedCurrentDirectoryGivesNoCore()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("diag-core-gone-");
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null, "sleep");
        CoreDumpTargets.SetCoreLimit(target.Pid, ulong.MaxValue);
        dir.Delete();
        Assert.True(CoreDumpTargets.Kernel.Pattern is { Kind: CorePatternKind.File, IsAbsolute: false },
            "this test needs a relative kernel.core_pattern (the default 'core'), as the test machines have");

        var report = CoreDumpTargets.Verify(target.Pid);

        var directory = report.Check(CoreDumpCheckName.CoreDirectory);
        Assert.Equal(dir.FullName + " (deleted)", directory.Actual);
        Assert.Equal(CheckStatus.Fail, directory.StatusValue);
        AssertAgreement(report);
        Assert.Equal(ProbeOutcome.NoCore, report.Verdict.VerifiedValue);
    }

    [RootFact]
    public void AnExistingCoreIsNeverReplacedByTheProbe()
    {
        var pattern = CoreDumpTargets.Kernel.Pattern;
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, dir.FullName, null, "sleep");
        CoreDumpTargets.SetCoreLimit(target.Pid, ulong.MaxValue);
        var inspector = new CoreDumpInspector();
        var report = inspector.InspectProcess(target.Pid)!;
        if (pattern.Kind != CorePatternKind.File || pattern.NamesEachCrash || CoreDumpTargets.Kernel.UsesPid)
        {
            Assert.NotNull(report.ProbeAction); // names differ per crash: nothing to protect here
            return;
        }
        var earlier = Path.Combine(dir.FullName, pattern.Text); // a core from an earlier crash, under the fixed name
        File.WriteAllText(earlier, "earlier core");

        var verified = inspector.Verify(report, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, verified.Verdict.VerifiedValue);
        Assert.Contains("already exists", verified.Check(CoreDumpCheckName.Probe).Message);
        Assert.Equal("earlier core", File.ReadAllText(earlier));
        Assert.Contains("already there", inspector.InspectProcess(target.Pid)!.Check(CoreDumpCheckName.CoreFileName).Message);
    }

    [RootFact]
    public void AProbeProvesTheKernelsSideButMysqldsOwnHandlingStillStopsTheCore()
    {
        using var dir = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        using var bin = CoreDumpTargets.Directory(CoreDumpTargets.Private);
        var mysqld = CoreDumpTargets.StandIn(bin, "mysqld");
        using var target = TargetProcess.StartProgram(mysqld, dir.FullName, null, "sleep");
        CoreDumpTargets.SetCoreLimit(target.Pid, ulong.MaxValue);

        var report = CoreDumpTargets.Verify(target.Pid);

        AssertAgreement(report);
        Assert.Equal(ProbeOutcome.CoreFound, report.Verdict.VerifiedValue);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue); // mysqld without core-file exits without a core
        Assert.Equal([CoreDumpCheckName.Program], report.Verdict.BlockerNames);
        Assert.Contains("stops the core (see Program)", report.Verdict.Summary);
        Assert.Empty(CoreDumpTargets.Entries(dir));
    }

    /// <summary>Core found if and only if the checks (without the probe) say a core is written.</summary>
    private static void AssertAgreement(CoreDumpReport report)
    {
        var predicted = report.Checklist.KernelPrediction();
        Assert.Contains(report.Verdict.VerifiedValue, new[] { ProbeOutcome.CoreFound, ProbeOutcome.NoCore });
        bool coreExpected = predicted is CoreDumpOutcome.Written or CoreDumpOutcome.Truncated;
        Assert.True(coreExpected == (report.Verdict.VerifiedValue == ProbeOutcome.CoreFound),
            $"checks say {predicted}, probe says {report.Verdict.VerifiedValue}: {report.Verdict.Summary}");
        Assert.Equal(report.Checklist.BuildVerdict(null).VerdictValue, report.Verdict.VerdictValue);
    }
}
