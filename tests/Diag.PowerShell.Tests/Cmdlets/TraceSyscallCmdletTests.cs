using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Trace-Syscall run by PowerShell: every target kind, the pipeline stopping it, errors, formatting.</summary>
public sealed class TraceSyscallCmdletTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _pwsh;

    public TraceSyscallCmdletTests(PowerShellSession pwsh) => _pwsh = pwsh;

    [Fact]
    public void ALaunchedCommandIsCountedExactly()
    {
        // The 0.1.0 crash (a TimeSpan overflow in the progress clock) failed exactly this, on every trace.
        var rows = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 300, 2 | Where-Object Syscall").AssertClean().Output;
        var getppid = Assert.Single(rows, r => (string)r.Properties["Syscall"].Value == "getppid");
        Assert.Equal(300L, getppid.Properties["Calls"].Value);
        Assert.Contains(rows, r => (long)r.Properties["Errors"].Value == 2 && (string)r.Properties["ErrorBreakdown"].Value == "ENOENT=2");
    }

    [Fact]
    public void AttachesByIdAndDetaches()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var rows = _pwsh.Invoke("Trace-Syscall -Id $spinner -Duration 0.5").AssertClean().Output;
        Assert.Equal("recvfrom", rows[0].Properties["Syscall"].Value);
        Assert.Equal(0, ProcessState.TracerPid(target.Pid));
    }

    [Fact]
    public void TracesTheHotThreadThatGetThreadCpuFound()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var rows = _pwsh.Invoke("""
            Get-ThreadCpu -Id $spinner -Interval 0.3 | Where-Object ThreadName -eq 'NatThread' | Trace-Syscall -Duration 0.5
            """).AssertClean().Output;
        Assert.Equal("recvfrom", rows[0].Properties["Syscall"].Value);
        Assert.Equal(target.Pid, rows[0].Properties["ProcessId"].Value);
    }

    [Fact]
    public void SelectObjectFirstStopsAnEventTraceAndDetaches()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var r = _pwsh.Invoke("Trace-Syscall -Id $spinner -Event | Select-Object -First 5").AssertClean();
        Assert.Equal(5, r.Output.Count);
        Assert.True(ProcessState.WaitUntilUntraced(target.Pid, TimeSpan.FromSeconds(5)));
        Assert.NotEqual('t', ProcessState.State(target.Pid));
    }

    [Fact]
    public void StoppingThePipelineDetachesPromptly()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var r = _pwsh.InvokeAndStop("Trace-Syscall -Id $spinner", TimeSpan.FromSeconds(1));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
        Assert.True(ProcessState.WaitUntilUntraced(target.Pid, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void AMissingProcessIsTargetNotFound()
    {
        var error = _pwsh.Invoke("Trace-Syscall -Id 2147483640 -Duration 0.2").SingleError();
        Assert.Equal("TargetNotFound,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void AChildOfThisSessionIsRefusedByPtraceWithTheRemedy()
    {
        // A child of the host (this process), alive: its stdin is held open by TargetProcess.
        using var child = TargetProcess.Start("sleep");
        _pwsh.SetVariable("child", child.Pid);
        var error = _pwsh.Invoke("Trace-Syscall -Id $child -Duration 0.2 -Backend Ptrace").SingleError();
        Assert.Equal("Unsupported,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-FilePath", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public async Task TheKernelBackendCountsAChildOfThisSessionWhichPtraceCannot()
    {
        using var child = TargetProcess.Start("calls");
        _pwsh.SetVariable("child", child.Pid);
        var invoke = Task.Run(() => _pwsh.Invoke("Trace-Syscall -Id $child -Duration 3 -Syscall getppid -Verbose"));
        // The calls come once this process holds the trace's BPF links: counted from then on, not before.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!HoldsBpfLinks() && DateTime.UtcNow < deadline) Thread.Sleep(10);
        child.Command("calls 250 0");
        var r = (await invoke).AssertClean();
        var row = Assert.Single(r.Output, o => (string?)o.Properties["Syscall"]?.Value == "getppid");
        Assert.Equal(250L, row.Properties["Calls"].Value);
        Assert.Equal("Kernel", row.Properties["Backend"].Value);
        Assert.Contains(r.Verbose, v => v.Contains("kernel: root"));
    }

    [Fact]
    public void AutoTakesTheKernelForSummariesAndPtraceForEventsAndSaysWhy()
    {
        var summary = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 40, 0 -Verbose").AssertClean();
        Assert.All(summary.Output, o => Assert.Equal("Kernel", o.Properties["Backend"].Value));
        var getppid = Assert.Single(summary.Output, o => (string?)o.Properties["Syscall"]?.Value == "getppid");
        Assert.Equal(40L, getppid.Properties["Calls"].Value);
        Assert.NotEmpty((System.Collections.IEnumerable)getppid.Properties["LatencyHistogram"].Value);
        Assert.Single(summary.Verbose, v => v.Contains(": kernel: "));

        var events = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 3, 0 -Syscall getppid -Event -Verbose").AssertClean();
        Assert.Equal(3, events.Output.Count(o => (string?)o.Properties["Syscall"]?.Value == "getppid"));
        Assert.Equal("Diag.Linux.Tracing.ExitEvent", events.Output[^1].TypeNames[0]); // the command's exit ends the stream
        Assert.Single(events.Verbose, v => v.Contains("ptrace: events need the tracee's memory"));

        var refused = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 3, 0 -Event -Backend Kernel").SingleError();
        Assert.Equal("Unsupported,Diag.Commands.TraceSyscallCommand", refused.FullyQualifiedErrorId);
        Assert.Contains("Ptrace", refused.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void BothBackendsCountTheSameCalls()
    {
        var script = "Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 123, 4 -Backend {0} | Where-Object Syscall | ForEach-Object {{ '{{0}}={{1}}/{{2}}' -f $_.Syscall, $_.Calls, $_.Errors }} | Sort-Object";
        var kernel = _pwsh.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, script, "Kernel")).AssertClean().Objects<string>().ToList();
        var ptrace = _pwsh.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, script, "Ptrace")).AssertClean().Objects<string>().ToList();
        Assert.Contains("getppid=123/0", kernel);
        Assert.Equal(ptrace, kernel);
    }

    [Fact]
    public void TheSummaryReadsLikeStraceC()
    {
        var text = _pwsh.Format("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 50, 0", 120);
        Assert.Contains("% time", text);
        Assert.Contains("usecs/call", text);
        Assert.Contains("getppid", text);
    }

    // ---- what a real session met (the real-session issue) ----

    [Fact]
    public void ALaunchedCommandsOutputNeverReachesAJobsTransport()
    {
        // A job and an SSH session use pwsh's stdout as their transport: the child's "hi" broke it.
        using var job = new OutOfProcessSession();
        var r = job.Invoke("Trace-Syscall -FilePath /bin/echo -ArgumentList hi").AssertClean();
        Assert.Contains(r.Output, o => o.TypeNames.Contains("Deserialized.Diag.Linux.Tracing.SyscallTraceTotal"));
        Assert.Contains("hi", r.Information);
    }

    [Fact]
    public void CapturedOutputIsHostTextTaggedByStream()
    {
        var r = _pwsh.Invoke("Trace-Syscall -FilePath /bin/sh -ArgumentList '-c', 'echo out; echo err >&2' -InformationVariable info | Out-Null; $info | ForEach-Object { '{0}:{1}' -f ($_.Tags -join '/'), $_.MessageData }").AssertClean();
        Assert.Contains("PSHOST/Stdout/Trace-Syscall:out", r.Objects<string>());
        Assert.Contains("PSHOST/Stderr/Trace-Syscall:err", r.Objects<string>());
    }

    [Fact]
    public void RedirectedStreamsGoToTheirFiles()
    {
        var dir = Directory.CreateTempSubdirectory("diag-redirect");
        try
        {
            _pwsh.SetVariable("dir", dir.FullName);
            var r = _pwsh.Invoke("""
                Set-Content -Path "$dir/in.txt" -Value 'from a file'
                Push-Location $dir
                try { $null = Trace-Syscall -FilePath /bin/sh -ArgumentList '-c', 'cat; echo oops >&2' -RedirectStandardInput in.txt -RedirectStandardOutput out.txt -RedirectStandardError err.txt }
                finally { Pop-Location }
                """).AssertClean();
            Assert.Empty(r.Information);
            Assert.Equal("from a file\n", File.ReadAllText(Path.Combine(dir.FullName, "out.txt")));
            Assert.Equal("oops\n", File.ReadAllText(Path.Combine(dir.FullName, "err.txt")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheDeadlineHoldsWhenTheConsumerIsSlowAndTheLossIsReportedPerSyscall()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("hot", target.Threads["NatThread"]);
        var r = _pwsh.Invoke("""
            $k = 0
            Trace-Syscall -ThreadId $hot -Event -Duration 1 | ForEach-Object { $k++; if ($k % 200 -eq 0) { Start-Sleep -Milliseconds 100 } }
            """);
        Assert.Empty(r.Errors);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(5), $"a 1 s trace took {r.Elapsed}");
        var warning = Assert.Single(r.Warnings, w => w.Contains("not delivered"));
        Assert.Matches(@"recvfrom \d+", warning);
        Assert.Contains("-Syscall", warning);
        Assert.True(ProcessState.WaitUntilUntraced(target.Pid, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void AZombieIsSaidToHaveExitedNotToBeForbidden()
    {
        using var target = SpawnedTarget.Start("zombie");
        _pwsh.SetVariable("zombie", target.Threads["zombie"]);
        var error = _pwsh.Invoke("Trace-Syscall -Id $zombie -Duration 0.2").SingleError();
        Assert.Equal("TargetExited,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Contains("waiting for its parent", error.Exception.Message);
        Assert.Contains(target.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void ABlankSyscallFilterIsAnErrorWithoutAnInternalParameterName()
    {
        var error = _pwsh.Invoke("Trace-Syscall -Id $PID -Syscall '  ' -Duration 0.2").SingleError();
        Assert.Equal("UnknownSyscall,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("(Parameter '", error.Exception.Message);
        var unknown = _pwsh.Invoke("Trace-Syscall -Id $PID -Syscall recvfrm -Duration 0.2").SingleError();
        Assert.DoesNotContain("(Parameter '", unknown.Exception.Message);
        Assert.Contains("recvfrom", unknown.Exception.Message);
    }

    [Fact]
    public void AnIdleTargetIsSaidToHaveMadeNoCall()
    {
        using var target = SpawnedTarget.Start("sleep");
        target.WaitUntilIdle();
        _pwsh.SetVariable("idle", target.Pid);
        var r = _pwsh.Invoke("Trace-Syscall -Id $idle -Duration 0.3").AssertClean();
        Assert.Contains(r.Warnings, w => w.Contains("made no system call") && w.Contains("0.3 s"));
        var total = Assert.Single(r.Output);
        Assert.Equal(0L, total.Properties["Calls"].Value);
    }

    [Fact]
    public void TheExitCodeIsWhereAScriptTestsIt()
    {
        var r = _pwsh.Invoke("""
            $total = Trace-Syscall -FilePath /bin/sh -ArgumentList '-c', 'exit 7' -Verbose | Select-Object -Last 1
            $total.ExitCode
            $LASTEXITCODE
            $total = Trace-Syscall -FilePath /bin/sh -ArgumentList '-c', 'kill -KILL $$' | Select-Object -Last 1
            $total.TerminatingSignal
            $LASTEXITCODE
            """).AssertClean();
        Assert.Equal(new object[] { 7, 7, "SIGKILL", 137 }, r.Output.Select(o => o.BaseObject).ToArray());
        Assert.Single(r.Verbose, v => v.Contains("exited with code 7"));
    }

    [Fact]
    public void TheSummaryEndsWithStraceCsTotalLine()
    {
        var r = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 100, 3").AssertClean();
        var total = r.Output[^1];
        Assert.Contains("Diag.Linux.Tracing.SyscallTraceTotal", total.TypeNames);
        var rows = r.Output.Take(r.Output.Count - 1).ToList();
        Assert.Equal(rows.Sum(o => (long)o.Properties["Calls"].Value), total.Properties["Calls"].Value);
        Assert.Equal(rows.Sum(o => (long)o.Properties["Errors"].Value), total.Properties["Errors"].Value);
        var text = _pwsh.Format("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 100, 3", 120);
        Assert.Matches(@"100\.00\s+\d+\.\d{6}.*\s\d+ total\s+\d+\.\d s, exit code 0", text);
    }

    [Fact]
    public void SeveralProcessIdsAreTracedTogether()
    {
        using var one = SpawnedTarget.Start("recvfrom-spin");
        using var two = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("pids", new[] { one.Pid, two.Pid });
        var rows = _pwsh.Invoke("Trace-Syscall -Id $pids -Duration 0.5 -Syscall recvfrom | Where-Object Syscall").AssertClean().Output;
        Assert.Equal(new[] { one.Pid, two.Pid }.Order(), rows.Select(r => (int)r.Properties["ProcessId"].Value).Distinct().Order());
    }

    [Fact]
    public void EventsKeepTheirArgumentsReadableAt80And120Columns()
    {
        foreach (var width in new[] { 80, 120 })
        {
            var text = _pwsh.Format("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 0, 1 -Syscall openat -Event | Where-Object Error", width);
            Assert.Contains("/nonexistent/", text);
            Assert.Contains("diag-test-target", text.Replace("\n", "").Replace(" ", "")); // the whole path, wrapped not cut
            Assert.Contains("ENOENT", text);
            Assert.All(text.Split('\n'), line => Assert.True(line.Length <= width));
        }
    }

    [Fact]
    public void EventTimesAreLocalLikeGetDate()
    {
        var r = _pwsh.Invoke("""
            $e = Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 1, 0 -Syscall getppid -Event | Where-Object Syscall
            $e.Timestamp.Kind
            [math]::Abs(((Get-Date) - $e.Timestamp).TotalMinutes) -lt 1
            """).AssertClean();
        Assert.Equal(new object[] { DateTimeKind.Local, true }, r.Output.Select(o => o.BaseObject).ToArray());
    }

    [Fact]
    public void SignalsAndExitsComeInTheEventStreamAndTheTableAsStraceShowsThem()
    {
        const string script = "Trace-Syscall -FilePath /bin/sh -ArgumentList '-c', 'trap : USR1; kill -USR1 $$; exit 3' -Syscall kill -Event";
        var events = _pwsh.Invoke(script).AssertClean().Output;
        Assert.Equal(["Diag.Linux.Tracing.SyscallEvent", "Diag.Linux.Tracing.SignalEvent", "Diag.Linux.Tracing.ExitEvent"],
            events.Select(e => e.TypeNames[0]).ToArray());
        Assert.Equal("SIGUSR1", events[1].Properties["Signal"].Value);
        Assert.Equal("SI_USER", events[1].Properties["Code"].Value);
        Assert.Equal(3, events[2].Properties["ExitCode"].Value);
        Assert.Equal(3, _pwsh.Invoke("$LASTEXITCODE").AssertClean().Output.Single().BaseObject);

        foreach (var width in new[] { 80, 120 })
        {
            var text = _pwsh.Format(script, width);
            Assert.Contains("kill(", text);
            Assert.Contains("--- SIGUSR1 {si_signo=SIGUSR1,", text);
            Assert.Contains("+++ exited with 3 +++", text);
            Assert.All(text.Split('\n'), line => Assert.True(line.Length <= width));
        }
    }

    [Fact]
    public void ACallThatNeverReturnsIsShownWithoutAWarningThatNothingMatched()
    {
        var r = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 1, 0 -Syscall exit_group -Event").AssertClean();
        Assert.Empty(r.Warnings);
        Assert.Contains(r.Output, o => (string?)o.Properties["Syscall"]?.Value == "exit_group" && (string)o.Properties["ReturnText"].Value == "?");
    }

    private static bool HoldsBpfLinks() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Any(fd =>
        {
            try { return fd.LinkTarget == "anon_inode:bpf_link"; }
            catch (IOException) { return false; }
        });
}
