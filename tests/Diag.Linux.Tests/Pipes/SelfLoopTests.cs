using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>The supervisord incident, reproduced: a PHP worker hung in write(1) because the only reader of its
/// stdout pipe was its own fd 1066, leaked past supervisord's minfds of 1024, and supervisord had died.</summary>
public sealed class SelfLoopTests : IDisposable
{
    private readonly TargetProcess _target = TargetProcess.Start("pipe-selfloop", "1066");

    public void Dispose() => _target.Dispose();

    [Fact]
    public void TheWorkersStdoutIsASelfLoopFullAndBlocked()
    {
        int worker = _target.ReadyPid;
        var result = PipeScan.Find(PipeSelection.ForProcessIds([worker]).WithFileDescriptors([1]));

        var stdout = Assert.Single(result.Endpoints);
        Assert.Equal(1, stdout.FileDescriptor);
        Assert.Equal(EndpointKind.Pipe, stdout.KindValue);
        Assert.Equal(EndpointAccess.Write, stdout.AccessValue);
        var peer = Assert.Single(stdout.Peers);
        Assert.Equal(worker, peer.ProcessId);
        Assert.Equal(1066, peer.FileDescriptor);
        Assert.Equal(EndpointAccess.Read, peer.AccessValue);
        Assert.Equal(PipeDiagnosis.SelfLoop, stdout.DiagnosisValue);
        Assert.NotNull(stdout.Capacity);
        Assert.Equal(stdout.Capacity, stdout.BufferedBytes);
        var blocked = Assert.Single(stdout.BlockedThreads);
        Assert.Equal(worker, blocked.ThreadId);
        Assert.Equal("write", blocked.Syscall);
        Assert.Equal(1, blocked.FileDescriptor);
        Assert.Equal(EndpointAccess.Write, blocked.DirectionValue);
        Assert.Contains("pipe_write", blocked.WaitChannel);
        Assert.Contains("own fd 1066", stdout.Message);
        Assert.Contains("leaked", stdout.Message);
    }

    [Fact]
    public void EveryDescriptorOfTheWorkerOnThatPipeIsInTheLoop()
    {
        int worker = _target.ReadyPid;
        var result = PipeScan.OfProcesses(worker);
        long inode = result.Endpoint(worker, 1).Inode;

        var onPipe = result.Endpoints.Where(e => e.Inode == inode).ToList();
        Assert.Equal([1, 2, 1066, 1067], onPipe.Select(e => e.FileDescriptor));
        Assert.All(onPipe, e => Assert.Equal(PipeDiagnosis.SelfLoop, e.DiagnosisValue));
        Assert.Equal([1, 2, 1067], result.Endpoint(worker, 1066).Peers.Select(p => p.FileDescriptor));
        // Its stdin is the test's pipe, read by it and written by this test process: fine.
        Assert.Equal(PipeDiagnosis.Ok, result.Endpoint(worker, 0).DiagnosisValue);
        Assert.Contains(result.Endpoint(worker, 0).Peers, p => p.ProcessId == Environment.ProcessId);
    }

    [Fact]
    public void ScanningLeavesNoDescriptorBehindAndTheWorkerStaysBlocked()
    {
        int worker = _target.ReadyPid;
        var inodes = Directory.GetFiles($"/proc/{worker}/fd").Select(f => new FileInfo(f).LinkTarget ?? "")
            .Where(t => t.StartsWith("pipe:", StringComparison.Ordinal) || t.StartsWith("socket:", StringComparison.Ordinal))
            .Select(t => long.Parse(t[(t.IndexOf('[') + 1)..^1])).Distinct().ToList();
        var before = PipeScan.OwnDescriptorsOn(inodes);
        var first = PipeScan.OfProcesses(worker).Endpoint(worker, 1);
        var second = PipeScan.OfProcesses(worker).Endpoint(worker, 1);
        Assert.Equal(before, PipeScan.OwnDescriptorsOn(inodes));
        Assert.Equal(first.BufferedBytes, second.BufferedBytes); // nothing was read out of the pipe
        Assert.Single(second.BlockedThreads);
    }
}
