using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>Processes exit between any two reads of /proc: a whole-machine scan shrugs.</summary>
public sealed class ScanRaceTests
{
    [Fact]
    public void ProcessesExitingDuringAnAllScanCauseNoError()
    {
        using var churn = TargetProcess.Start("pipe-churn");
        using var pipeline = TargetProcess.Start("pipeline", "100");
        using var finder = new PipePeerFinder();
        long before = churn.Status()["churned"];
        // Scan until processes really came and went during the scans (at least 10 scans, and 10 processes churned:
        // a condition, however fast the scans or slow the machine), with an hour as the guard against a hang.
        var deadline = DateTime.UtcNow.AddHours(1);
        int scans = 0;
        while (scans < 10 || churn.Status()["churned"] - before <= 10)
        {
            Assert.True(DateTime.UtcNow < deadline, "the churning target stopped churning");
            var result = finder.Find(PipeSelection.All());
            scans++;
            Assert.False(result.Cancelled);
            Assert.Empty(result.MissingProcessIds);
            // The stable pipeline is always found whole, whatever came and went around it.
            Assert.Equal(PipeDiagnosis.Ok, result.Endpoint(pipeline.Processes["writer"], 1).DiagnosisValue);
            Assert.Equal(pipeline.Processes["reader"], Assert.Single(result.Endpoint(pipeline.Processes["writer"], 1).Peers).ProcessId);
        }
    }

    [Fact]
    public void AllReportsPipesFifosAndUnixSocketsOfEveryProcess()
    {
        using var pair = TargetProcess.Start("unix-pair");
        using var pipeline = TargetProcess.Start("pipeline", "100");
        var result = PipeScan.Find(PipeSelection.All());
        Assert.Contains(result.Endpoints, e => e.ProcessId == pair.Processes["peer"] && e.KindValue == EndpointKind.UnixStream);
        Assert.Contains(result.Endpoints, e => e.ProcessId == pipeline.Processes["reader"] && e.FileDescriptor == 0 && e.KindValue == EndpointKind.Pipe);
        // Root is refused only where the kernel refuses root too (a sandbox's init may be protected from it).
        Assert.InRange(result.ProcessesNotPermitted, 0, ProcessesRefusingRoot());
    }

    private static int ProcessesRefusingRoot()
    {
        int refusing = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    try { _ = File.ResolveLinkTarget(fd, false); }
                    catch (UnauthorizedAccessException) { refusing++; }
                    break;
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException or IOException)
            {
                refusing += e is UnauthorizedAccessException ? 1 : 0;
            }
        }
        return refusing;
    }

    [Fact]
    public void CancellationStopsTheScan()
    {
        using var finder = new PipePeerFinder();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = finder.Find(PipeSelection.All(), cancelled.Token);
        Assert.True(result.Cancelled);
        Assert.Empty(result.Endpoints);
    }
}
