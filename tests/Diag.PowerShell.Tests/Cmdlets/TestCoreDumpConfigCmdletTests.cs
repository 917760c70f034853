using System.Diagnostics;
using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Test-CoreDumpConfig run by PowerShell: binding, errors, -Verify and -WhatIf, formatting at 80 and 120
/// columns, serialization and what Start-Job shows.</summary>
public sealed class TestCoreDumpConfigCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private const string CheckType = "Diag.Linux.CoreDumps.CoreDumpCheck", VerdictType = "Diag.Linux.CoreDumps.CoreDumpVerdict";
    private readonly PowerShellSession _pwsh;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("diag-core-cmdlet-");
    private readonly TargetProcess _target;

    public TestCoreDumpConfigCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, _directory.FullName, null, "sleep");
        // A core limit of 0, as servers started from a login often have: the check that fails is known.
        using var prlimit = Process.Start("prlimit", ["--pid", _target.Pid.ToString(), "--core=0:unlimited"])!;
        prlimit.WaitForExit();
        Assert.Equal(0, prlimit.ExitCode);
        _pwsh.SetVariable("target", _target.Pid);
        _pwsh.SetVariable("targetDir", _directory.FullName);
    }

    public void Dispose()
    {
        _target.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void OneVerdictPerProcessHoldsItsChecks()
    {
        var verdict = Assert.Single(_pwsh.Invoke("Get-Process -Id $target | Test-CoreDumpConfig").AssertClean().Output);

        Assert.Equal(VerdictType, verdict.TypeNames[0]);
        Assert.Equal("NotWritten", verdict.Properties["Verdict"].Value.ToString());
        Assert.Contains("CoreLimit", ((System.Collections.IEnumerable)verdict.Properties["Blockers"].Value).Cast<object>().Select(b => b.ToString()));
        var checks = ((System.Collections.IEnumerable)verdict.Properties["Checks"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.True(checks.Count > 8);
        var limit = checks.Single(o => o.Properties["Check"]?.Value?.ToString() == "CoreLimit");
        Assert.Equal("Fail", limit.Properties["Status"].Value.ToString());
        Assert.Equal(_target.Pid, limit.Properties["ProcessId"].Value);
    }

    [Fact]
    public void WhereObjectOnTheVerdictGivesOneRowPerProcess()
    {
        // The help's example: what to fix, one row per process (checks and verdicts used to share one stream).
        var text = _pwsh.Format("Test-CoreDumpConfig -Id $target, $PID | Where-Object Verdict -ne Written | Format-Table ProcessId, ProcessName, Verdict, Blockers", 120);
        var rows = text.Split('\n').Where(l => l.Trim().Length > 0).Skip(2).ToList(); // below the header and its underline
        Assert.Contains(rows, r => r.TrimStart().StartsWith(_target.Pid.ToString(), StringComparison.Ordinal) && r.Contains("NotWritten") && r.Contains("CoreLimit"));
        Assert.All(rows, r => Assert.Matches(@"^\s*\d+\s", r));
    }

    [Theory]
    [InlineData("[pscustomobject]@{ ProcessId = $target } | Test-CoreDumpConfig")]
    [InlineData("[pscustomobject]@{ Pid = $target } | Test-CoreDumpConfig")]
    [InlineData("[pscustomobject]@{ Id = $target } | Test-CoreDumpConfig")]
    [InlineData("Test-CoreDumpConfig -Id $target")]
    [InlineData("Test-CoreDumpConfig -Name diag-test-targ* | Where-Object ProcessId -eq $target")]
    public void BindsTheProcessByEveryConventionalName(string script)
    {
        var output = _pwsh.Invoke(script).AssertClean().Output;
        Assert.NotEmpty(output);
        Assert.All(output, o => Assert.Equal(_target.Pid, o.Properties["ProcessId"].Value));
        Assert.Single(output, o => o.TypeNames[0] == VerdictType);
    }

    [Fact]
    public void AMissingProcessIsOneErrorRecordWithARemedyAndTheOthersStillReport()
    {
        var r = _pwsh.Invoke("Test-CoreDumpConfig -Id 2147483647, $target");
        var error = r.SingleError();
        Assert.Equal("ProcessNotFound,Diag.Commands.TestCoreDumpConfigCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("2147483647", error.Exception.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.Single(r.Output, o => o.TypeNames[0] == VerdictType);
    }

    [Fact]
    public void ANameThatMatchesNothingIsAnError()
    {
        var error = _pwsh.Invoke("Test-CoreDumpConfig -Name no-such-process-xyz").SingleError();
        Assert.Equal("NoProcessFoundForGivenName,Diag.Commands.TestCoreDumpConfigCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void WithoutAProcessItChecksTheSystemWideSettings()
    {
        var verdict = Assert.Single(_pwsh.Invoke("Test-CoreDumpConfig").AssertClean().Output);
        Assert.Equal(VerdictType, verdict.TypeNames[0]);
        Assert.Null(verdict.Properties["ProcessId"].Value);
        Assert.All(Checks(verdict), o => Assert.Null(o.Properties["ProcessId"].Value));
        var checks = Checks(verdict).Select(o => o.Properties["Check"].Value.ToString()).ToList();
        Assert.Contains("CorePattern", checks);
        Assert.Contains("LoginLimit", checks);
        Assert.Contains("ServiceLimit", checks);
        Assert.DoesNotContain("CoreLimit", checks);
    }

    [Fact]
    public void VerifyNeedsAProcessAndSaysSoWhenBinding()
    {
        var error = _pwsh.Invoke("Test-CoreDumpConfig -Verify").SingleError();
        Assert.Equal("AmbiguousParameterSet,Diag.Commands.TestCoreDumpConfigCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void WhatIfRunsNoProbe()
    {
        var verdict = Assert.Single(_pwsh.Invoke("Test-CoreDumpConfig -Id $target -Verify -WhatIf").AssertClean().Output);
        Assert.DoesNotContain(Checks(verdict), o => o.Properties["Check"]?.Value?.ToString() == "Probe");
        Assert.Equal("NotRun", verdict.Properties["Verified"].Value.ToString());
    }

    [Fact]
    public void VerifyAddsTheProbeLineAgreesAndLeavesNothingBehind()
    {
        var verdict = Assert.Single(_pwsh.Invoke("Test-CoreDumpConfig -Id $target -Verify").AssertClean().Output);
        var probe = Checks(verdict).Single(o => o.Properties["Check"]?.Value?.ToString() == "Probe");
        Assert.Equal("Fail", probe.Properties["Status"].Value.ToString()); // a core limit of 0: no core, as predicted
        Assert.StartsWith("As the checks predict", probe.Properties["Message"].Value.ToString());
        Assert.Equal("NoCore", verdict.Properties["Verified"].Value.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(_directory.FullName));
        Assert.False(_target.HasExited);
    }

    [Fact]
    public void At80ColumnsStatusCheckAndRemedyAreReadable()
    {
        var text = _pwsh.Format("Test-CoreDumpConfig -Id $target", 80);
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"longer than 80: '{l}'"));
        Assert.Contains($"diag-test-target ({_target.Pid}): NOTWRITTEN", text);
        Assert.Contains(lines, l => l.StartsWith("  FAIL CoreLimit", StringComparison.Ordinal));
        // Each remedy step on a line of its own, whole, so that the command is copied from the screen as it is.
        Assert.Contains(lines, l => l.TrimEnd() == $"       > now: prlimit --pid {_target.Pid} --core=unlimited:");
        Assert.Contains(lines, l => l.StartsWith("  PASS CorePattern", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  Core goes to: ", StringComparison.Ordinal));
    }

    [Fact]
    public void At120ColumnsNothingIsCut()
    {
        var text = _pwsh.Format("Test-CoreDumpConfig -Id $target", 120);
        Assert.DoesNotContain("…", text);
        Assert.Contains($"prlimit --pid {_target.Pid}", text);
        Assert.Contains(_directory.FullName, text);
        Assert.Contains("  PASS CorePattern", text);
    }

    [Fact]
    public void VerdictsOnTheirOwnAreATableAndFormatListTheirList()
    {
        var table = _pwsh.Format("Test-CoreDumpConfig -Id $target | Format-Table", 80);
        Assert.Contains("VERDICT", table);
        Assert.Contains("NotWritten", table);
        Assert.Contains("FIX FIRST", table);
        var list = _pwsh.Format("Test-CoreDumpConfig -Id $target | Format-List", 80);
        Assert.Contains($"VERDICT      : NOTWRITTEN - diag-test-target ({_target.Pid})", list);
        Assert.Contains("not verified (add -Verify)", list);
    }

    [Fact]
    public void ObjectsSurviveARemotingSerializationRoundTrip()
    {
        var r = _pwsh.Invoke("""
            $verdict = Test-CoreDumpConfig -Id $target
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($verdict))
            [pscustomobject]@{
                CheckType = @($copy.Checks)[0].PSObject.TypeNames[0]
                VerdictType = $copy.PSObject.TypeNames[0]
                Verdict = "$($copy.Verdict)"
                Same = (@($copy.Checks)[0].Actual -eq @($verdict.Checks)[0].Actual -and @($copy.Checks)[0].Remedy -eq @($verdict.Checks)[0].Remedy)
                Steps = @(@($copy.Checks | Where-Object Check -eq CoreLimit)[0].RemedySteps).Count
            }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        Assert.Equal("Deserialized." + CheckType, result.Properties["CheckType"].Value);
        Assert.Equal("Deserialized." + VerdictType, result.Properties["VerdictType"].Value);
        Assert.Equal("NotWritten", result.Properties["Verdict"].Value);
        Assert.True((bool)result.Properties["Same"].Value);
        Assert.Equal(3, result.Properties["Steps"].Value); // "now: prlimit …", "lasting: …", "or …": nested three levels deep
    }

    [Fact]
    public void WhatStartJobBringsBackIsFormattedByTheSameViews()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"Test-CoreDumpConfig -Id {_target.Pid}").AssertClean().Output;
        Assert.Contains("Deserialized." + VerdictType, remote[0].TypeNames);
        _pwsh.SetVariable("remote", remote.ToArray());

        var text = _pwsh.Format("$remote", 80);

        Assert.Contains($"diag-test-target ({_target.Pid}): NOTWRITTEN", text);
        Assert.Contains("  FAIL CoreLimit", text);
        Assert.Contains($"> now: prlimit --pid {_target.Pid} --core=unlimited:", text);
        var checkType = _pwsh.Invoke("@($remote[0].Checks)[0].PSObject.TypeNames[0]").AssertClean().Output.Single().ToString();
        Assert.Equal("Deserialized." + CheckType, checkType);
    }

    private static List<PSObject> Checks(PSObject verdict) =>
        ((System.Collections.IEnumerable)verdict.Properties["Checks"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
}
