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
    public void ChecksComeFirstThenOneVerdict()
    {
        var output = _pwsh.Invoke("Get-Process -Id $target | Test-CoreDumpConfig").AssertClean().Output;

        Assert.True(output.Count > 8);
        Assert.All(output.SkipLast(1), o => Assert.Equal(CheckType, o.TypeNames[0]));
        var verdict = output[^1];
        Assert.Equal(VerdictType, verdict.TypeNames[0]);
        Assert.Equal("NotWritten", verdict.Properties["Verdict"].Value.ToString());
        Assert.Contains("CoreLimit", ((Array)verdict.Properties["Blockers"].Value).Cast<object>().Select(b => b.ToString()));
        var limit = output.Single(o => o.Properties["Check"]?.Value?.ToString() == "CoreLimit");
        Assert.Equal("Fail", limit.Properties["Status"].Value.ToString());
        Assert.Equal(_target.Pid, limit.Properties["ProcessId"].Value);
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
        var output = _pwsh.Invoke("Test-CoreDumpConfig").AssertClean().Output;
        Assert.All(output, o => Assert.Null(o.Properties["ProcessId"].Value));
        var checks = output.SkipLast(1).Select(o => o.Properties["Check"].Value.ToString()).ToList();
        Assert.Contains("CorePattern", checks);
        Assert.Contains("LoginLimit", checks);
        Assert.Contains("ServiceLimit", checks);
        Assert.DoesNotContain("CoreLimit", checks);
        Assert.Equal(VerdictType, output[^1].TypeNames[0]);
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
        var output = _pwsh.Invoke("Test-CoreDumpConfig -Id $target -Verify -WhatIf").AssertClean().Output;
        Assert.DoesNotContain(output, o => o.Properties["Check"]?.Value?.ToString() == "Probe");
        Assert.Equal("NotRun", output[^1].Properties["Verified"].Value.ToString());
    }

    [Fact]
    public void VerifyAddsTheProbeLineAgreesAndLeavesNothingBehind()
    {
        var output = _pwsh.Invoke("Test-CoreDumpConfig -Id $target -Verify").AssertClean().Output;
        var probe = output.Single(o => o.Properties["Check"]?.Value?.ToString() == "Probe");
        Assert.Equal("Fail", probe.Properties["Status"].Value.ToString()); // a core limit of 0: no core, as predicted
        Assert.StartsWith("As the checks predict", probe.Properties["Message"].Value.ToString());
        Assert.Equal("NoCore", output[^1].Properties["Verified"].Value.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(_directory.FullName));
        Assert.False(_target.HasExited);
    }

    [Fact]
    public void At80ColumnsStatusCheckAndRemedyAreReadable()
    {
        var text = _pwsh.Format("Test-CoreDumpConfig -Id $target", 80);
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"longer than 80: '{l}'"));
        Assert.Contains(lines, l => l.StartsWith("STATUS CHECK", StringComparison.Ordinal) && l.Contains("EXPECTED / REMEDY"));
        Assert.Contains(lines, l => l.StartsWith("FAIL   CoreLimit", StringComparison.Ordinal) && l.Contains("now: prlimit"));
        Assert.Contains($"Core dump checklist: diag-test-target ({_target.Pid})", text);
        Assert.Contains(lines, l => l.StartsWith("Verdict", StringComparison.Ordinal) && l.TrimEnd().EndsWith("NotWritten"));
        Assert.Contains(lines, l => l.StartsWith("Summary", StringComparison.Ordinal) && l.Contains("CoreLimit"));
        // The remedy is there in full, only wrapped.
        Assert.Contains("--core=unlimited:unlimited", Unwrapped(text, "EXPECTED / REMEDY"));
    }

    [Fact]
    public void At120ColumnsNothingIsCut()
    {
        var text = _pwsh.Format("Test-CoreDumpConfig -Id $target", 120);
        Assert.DoesNotContain("…", text);
        Assert.Contains($"prlimit --pid {_target.Pid}", text);
        Assert.Contains(_directory.FullName, text);
        Assert.Contains("PASS   CorePattern", text);
    }

    [Fact]
    public void VerdictsOnTheirOwnAreATableAndFormatListTheirList()
    {
        var table = _pwsh.Format("Test-CoreDumpConfig -Id $target | Where-Object Verdict", 80);
        Assert.Contains("VERDICT", table);
        Assert.Contains("NotWritten", table);
        Assert.Contains("FIX FIRST", table);
        var list = _pwsh.Format("Test-CoreDumpConfig -Id $target | Where-Object Verdict | Format-List", 80);
        Assert.Contains($"VERDICT      : NOTWRITTEN - diag-test-target ({_target.Pid})", list);
        Assert.Contains("not verified (add -Verify)", list);
    }

    [Fact]
    public void ObjectsSurviveARemotingSerializationRoundTrip()
    {
        var r = _pwsh.Invoke("""
            $all = Test-CoreDumpConfig -Id $target
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($all))
            [pscustomobject]@{
                Count = $copy.Count
                CheckType = $copy[0].PSObject.TypeNames[0]
                VerdictType = $copy[-1].PSObject.TypeNames[0]
                Verdict = "$($copy[-1].Verdict)"
                Same = ($copy[0].Actual -eq $all[0].Actual -and $copy[0].Remedy -eq $all[0].Remedy)
            }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        Assert.Equal("Deserialized." + CheckType, result.Properties["CheckType"].Value);
        Assert.Equal("Deserialized." + VerdictType, result.Properties["VerdictType"].Value);
        Assert.Equal("NotWritten", result.Properties["Verdict"].Value);
        Assert.True((bool)result.Properties["Same"].Value);
    }

    [Fact]
    public void WhatStartJobBringsBackIsFormattedByTheSameViews()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"Test-CoreDumpConfig -Id {_target.Pid}").AssertClean().Output;
        Assert.Contains("Deserialized." + CheckType, remote[0].TypeNames);
        _pwsh.SetVariable("remote", remote.ToArray());

        var text = _pwsh.Format("$remote", 80);

        Assert.Contains("STATUS CHECK", text);
        Assert.Contains("FAIL   CoreLimit", text);
        Assert.Contains($"Core dump checklist: diag-test-target ({_target.Pid})", text);
        Assert.Contains("NotWritten", text);
    }

    /// <summary>The text of a wrapped table column joined again, so that a long value can be found whole.</summary>
    private static string Unwrapped(string table, string header)
    {
        var lines = table.Split('\n');
        var head = lines.First(l => l.Contains(header));
        int column = head.IndexOf(header, StringComparison.Ordinal);
        return string.Concat(lines.Where(l => l.Length > column).Select(l => l[column..].TrimEnd()));
    }
}
