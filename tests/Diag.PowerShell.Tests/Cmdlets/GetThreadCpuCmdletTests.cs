using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-ThreadCpu run by PowerShell: binding, errors, formatting, serialization.</summary>
public sealed class GetThreadCpuCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly TargetProcess _target = TargetProcess.Start("threads", "4", "1");

    public GetThreadCpuCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _pwsh.SetVariable("target", _target.Pid);
        _pwsh.SetVariable("spinner", _target.Threads["spin-0"]);
    }

    public void Dispose() => _target.Dispose();

    [Fact]
    public void BindsProcessesFromGetProcessAndRanksTheSpinnerFirst()
    {
        var rows = _pwsh.Invoke("Get-Process -Id $target | Get-ThreadCpu -Interval 0.3").AssertClean().Output;
        Assert.Equal(5, rows.Count);
        Assert.Equal("spin-0", rows[0].Properties["ThreadName"].Value);
    }

    [Theory]
    [InlineData("[pscustomobject]@{ ProcessId = $target } | Get-ThreadCpu -Interval 0.2")]
    [InlineData("[pscustomobject]@{ Pid = $target } | Get-ThreadCpu -Interval 0.2")]
    [InlineData("Get-ThreadCpu -Id $target -Interval 0.2")]
    public void BindsTheProcessIdByEveryConventionalName(string script)
    {
        var rows = _pwsh.Invoke(script).AssertClean().Output;
        Assert.All(rows, r => Assert.Equal(_target.Pid, r.Properties["ProcessId"].Value));
        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public void AMissingProcessIsOneErrorRecordWithARemedyAndTheOthersStillReport()
    {
        var r = _pwsh.Invoke("Get-ThreadCpu -Id 2147483647, $target -Interval 0.2");
        var error = r.SingleError();
        Assert.Equal("ProcessNotFound,Diag.Commands.GetThreadCpuCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.Equal(5, r.Output.Count);
    }

    [Fact]
    public void TheDefaultViewIsATable()
    {
        var text = _pwsh.Format("Get-ThreadCpu -Id $target -Interval 0.2", 120);
        Assert.Contains("%CPU", text);
        Assert.Contains("spin-0", text);
    }

    [Fact]
    public void ObjectsSurviveARemotingSerializationRoundTrip()
    {
        var r = _pwsh.Invoke("""
            $sample = Get-ThreadCpu -Id $target -ThreadId $spinner -Interval 0.2
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($sample))
            [pscustomobject]@{ Same = ($copy.ThreadId -eq $sample.ThreadId -and $copy.CpuPercent -eq $sample.CpuPercent); Deserialized = $copy.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Threads.ThreadCpuSample' }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        Assert.True((bool)result.Properties["Same"].Value);
        Assert.True((bool)result.Properties["Deserialized"].Value);
    }

    // ---- what a real session met (the real-session issue) ----

    [Fact]
    public void At80ColumnsTheTableStillShowsThreadStateCpuAndSyscall()
    {
        var text = _pwsh.Format("Get-ThreadCpu -Id $target -Interval 0.3", 80);
        var header = text.Split('\n').First(l => l.Contains("PID"));
        foreach (var column in new[] { "TID", "S", "%CPU", "SYSCALL", "THREAD" })
            Assert.Contains(column, header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("clock_nanosleep", text); // the nanosleep-2 thread's call, not cut
        Assert.DoesNotContain("TIME\n", text);   // no header printed one letter per line
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 80, $"line longer than 80: {line}"));
    }

    [Fact]
    public void At120ColumnsTheTableShowsEveryColumnUncut()
    {
        var text = _pwsh.Format("Get-ThreadCpu -Id $target -Interval 0.3", 120);
        foreach (var column in new[] { "TIME+", "NSTID", "WCHAN", "PROCESS" })
            Assert.Contains(column, text);
        Assert.DoesNotContain("futex_do_wa…", text);
        Assert.Contains("hrtimer_nanosleep", text); // the nanosleep thread's wait channel, whole
    }

    [Fact]
    public void DeserializedSamplesKeepTheStateColumn()
    {
        // Start-Job and Invoke-Command deliver State as a string; the view must not cast it.
        var text = _pwsh.Format("""
            Get-ThreadCpu -Id $target -ThreadId $spinner -Interval 0.2 |
                ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_)) }
            """, 120);
        var row = text.Split('\n').Single(l => l.Contains("spin-0"));
        Assert.Matches(@"\s[RS]\s", row);
    }

    [Fact]
    public void ConvertToJsonWritesStatesAndSourcesByName()
    {
        var json = _pwsh.Invoke("Get-ThreadCpu -Id $target -Interval 0.2 | ConvertTo-Json -Depth 2").AssertClean().Single<string>();
        Assert.Matches("\"State\": \"(Sleeping|Running)\"", json);
        Assert.Matches("\"StateCode\": \"[RS]\"", json);
        Assert.Matches("\"CpuTimeSource\": \"(TaskIterator|Taskstats|Schedstat|ClockTicks)\"", json);
    }

    [Fact]
    public void CountWithContinuousIsRefusedWhenTheParametersAreBound()
    {
        var result = _pwsh.Invoke("Get-ThreadCpu -Id $target -Count 2 -Continuous");
        var error = result.SingleError();
        Assert.Equal("CountWithContinuous,Diag.Commands.GetThreadCpuCommand", error.FullyQualifiedErrorId);
        Assert.Empty(result.Output); // refused before the first sample
        Assert.Contains("-Continuous", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void KernelThreadsHaveNoUserSyscall()
    {
        var rows = _pwsh.Invoke("Get-ThreadCpu -Name kthreadd -Interval 0.1").AssertClean().Output;
        var kthreadd = Assert.Single(rows);
        Assert.True((bool)kthreadd.Properties["IsKernelThread"].Value);
        Assert.Null(kthreadd.Properties["CurrentSyscall"].Value); // /proc reads "0 0x0 ...": not read(2)
        Assert.Equal("kthreadd", kthreadd.Properties["WaitChannel"].Value);
    }

    [Fact]
    public void TheProcessNameIsTheFirstPositionalParameterAsForGetProcess()
    {
        var rows = _pwsh.Invoke("Get-ThreadCpu diag-test-target -Interval 0.2 | Where-Object ProcessId -eq $target").AssertClean().Output;
        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public void NameAndIdComplete()
    {
        var names = _pwsh.Invoke("(TabExpansion2 -inputScript 'Get-ThreadCpu -Name diag-test-ta' -cursorColumn 29).CompletionMatches.CompletionText").AssertClean();
        Assert.Contains("diag-test-target", names.Objects<string>());
        var pid = _target.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ids = _pwsh.Invoke($"(TabExpansion2 -inputScript 'Get-ThreadCpu -Id {pid}' -cursorColumn {18 + pid.Length}).CompletionMatches.ListItemText").AssertClean();
        Assert.Contains($"{pid} diag-test-target", ids.Objects<string>());
    }

    [Fact]
    public void UserAndSystemPartsAddUpToTheTotal()
    {
        var rows = _pwsh.Invoke("Get-ThreadCpu -Interval 0.5 -Count 2").AssertClean().Output;
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var cpu = (double)row.Properties["CpuPercent"].Value;
            var user = (double)row.Properties["UserPercent"].Value;
            var system = (double)row.Properties["SystemPercent"].Value;
            Assert.True(Math.Abs(user + system - cpu) < 1e-6, $"{row}: {user} + {system} != {cpu}");
            Assert.True(user >= 0 && system >= 0 && user <= cpu + 1e-6);
        }
    }

    [Fact]
    public void VerboseSaysWhichSourceAndDebugWhatEachSampleCost()
    {
        var r = _pwsh.Invoke("Get-ThreadCpu -Id $target -Interval 0.1 -Verbose -Debug").AssertClean();
        // One line names where threads are read, one whether system calls are counted (as root: both in the kernel).
        Assert.Equal(2, r.Verbose.Count);
        Assert.Matches("task iterator|taskstats|/proc", r.Verbose[0]);
        Assert.Matches("^System calls are", r.Verbose[1]);
        Assert.Contains(r.Debug, d => d.StartsWith("Sample 1: 5 threads of 1 processes", StringComparison.Ordinal));
    }

    [Fact]
    public void SamplesAreReadOnlyObjectsThatPrintAsARow()
    {
        var r = _pwsh.Invoke("""
            $s = Get-ThreadCpu -Id $target -ThreadId $spinner -Interval 0.1
            ($s | Get-Member -MemberType Method).Name
            '---'
            ($s | Get-Member -MemberType Property | Where-Object Definition -like '*set;*').Name
            '---'
            "$s"
            $s.SampleTime.Kind
            """).AssertClean().Output.Where(o => o is not null).Select(o => o.ToString()).ToList();
        var split = r.IndexOf("---");
        Assert.DoesNotContain("<Clone>$", r.Take(split));
        var settable = r.Skip(split + 1).TakeWhile(x => x != "---").ToList();
        Assert.Empty(settable);
        Assert.StartsWith($"{_target.Threads["spin-0"]} spin-0 (diag-test-target)", r[^2]);
        Assert.Equal("Local", r[^1]);
    }
}
