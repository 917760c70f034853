using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>Anonymous pipes and FIFOs between real processes.</summary>
public sealed class PipeTests
{
    [Fact]
    public void EachSideOfAPipelineSeesTheOther()
    {
        using var target = TargetProcess.Start("pipeline", "100");
        int writer = target.Processes["writer"], reader = target.Processes["reader"];
        var result = PipeScan.OfProcesses(writer, reader);

        var output = result.Endpoint(writer, 1);
        var input = result.Endpoint(reader, 0);
        Assert.Equal(output.Inode, input.Inode);
        Assert.Equal(PipeDiagnosis.Ok, output.DiagnosisValue);
        Assert.Equal(PipeDiagnosis.Ok, input.DiagnosisValue);
        var readerPeer = Assert.Single(output.Peers);
        Assert.Equal((reader, 0, EndpointAccess.Read), (readerPeer.ProcessId, readerPeer.FileDescriptor, readerPeer.AccessValue));
        var writerPeer = Assert.Single(input.Peers);
        Assert.Equal((writer, 1, EndpointAccess.Write), (writerPeer.ProcessId, writerPeer.FileDescriptor, writerPeer.AccessValue));
        Assert.Equal(100, output.BufferedBytes);
        Assert.Equal(100, input.BufferedBytes);
        Assert.Contains($"writes to {reader} diag-test-target (fd 0)", output.Message);
    }

    [Fact]
    public void ScanningConsumesNothing()
    {
        using var target = TargetProcess.Start("pipeline", "100");
        int writer = target.Processes["writer"];
        for (int i = 0; i < 3; i++) Assert.Equal(100, PipeScan.OfProcesses(writer).Endpoint(writer, 1).BufferedBytes);
        Assert.Equal(100, target.Status()["read"]); // the reader drains the pipe: every byte still there
    }

    [Fact]
    public void AWriterWhoseReaderExitedHasNoReaderAndAReaderWhoseWriterExitedNoWriter()
    {
        using var target = TargetProcess.Start("pipe-orphans");
        var result = PipeScan.Find(PipeSelection.ForProcessIds([target.Pid]).WithFileDescriptors([20, 21]));

        var orphanWriter = result.Endpoint(target.Pid, 20);
        Assert.Equal(PipeDiagnosis.NoReader, orphanWriter.DiagnosisValue);
        Assert.Empty(orphanWriter.Peers);
        Assert.Contains("EPIPE", orphanWriter.Message);
        var orphanReader = result.Endpoint(target.Pid, 21);
        Assert.Equal(PipeDiagnosis.NoWriter, orphanReader.DiagnosisValue);
        Assert.Equal(5, orphanReader.BufferedBytes);
        Assert.Contains("the 5 bytes still buffered, then end of file", orphanReader.Message);
    }

    [Fact]
    public void ScanningNeverBecomesAReaderOfAPipeWithoutOne()
    {
        // Each status makes the target write to its reader-less pipe: every write must fail with EPIPE, even
        // while scans that read the pipe's fill run at the same time (a reader opened through /proc would let
        // one succeed), and the other pipe's 5 bytes stay unread.
        using var target = TargetProcess.Start("pipe-orphans");
        using var stop = new CancellationTokenSource();
        int scans = 0;
        var scanning = Task.Run(() =>
        {
            using var finder = new PipePeerFinder();
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(PipeDiagnosis.NoReader, finder.Find(PipeSelection.ForProcessIds([target.Pid])).Endpoint(target.Pid, 20).DiagnosisValue);
                scans++;
            }
        });
        for (int i = 0; i < 50; i++)
        {
            var status = target.Status();
            Assert.Equal(32, status["write_errno"]); // EPIPE
            Assert.Equal(5, status["unread"]);
        }
        stop.Cancel();
        scanning.Wait();
        Assert.True(scans > 0);
    }

    [Fact]
    public void AFifoShowsItsPathAndItsBlockedReader()
    {
        string path = Path.Combine(Path.GetTempPath(), $"diag-fifo-{Guid.NewGuid():N}");
        using var target = TargetProcess.Start("fifo", path);
        int reader = target.Processes["reader"];
        var result = PipeScan.OfProcesses(target.Pid, reader);

        var writeEnd = result.Endpoint(target.Pid, 21);
        Assert.Equal(EndpointKind.Fifo, writeEnd.KindValue);
        Assert.Equal(path, writeEnd.Path);
        Assert.Equal(EndpointAccess.Write, writeEnd.AccessValue);
        Assert.Equal(PipeDiagnosis.Ok, writeEnd.DiagnosisValue);
        var peer = Assert.Single(writeEnd.Peers);
        Assert.Equal((reader, 20, EndpointAccess.Read), (peer.ProcessId, peer.FileDescriptor, peer.AccessValue));
        var blocked = Assert.Single(writeEnd.BlockedThreads);
        Assert.Equal((reader, 20, "read", EndpointAccess.Read), (blocked.ProcessId, blocked.FileDescriptor, blocked.Syscall, blocked.DirectionValue));
        Assert.Contains("pipe_read", blocked.WaitChannel);
        Assert.Equal(0, writeEnd.BufferedBytes);

        var readEnd = result.Endpoint(reader, 20);
        Assert.Equal((EndpointKind.Fifo, path, writeEnd.Inode), (readEnd.KindValue, readEnd.Path, readEnd.Inode));
        Assert.Equal(target.Pid, Assert.Single(readEnd.Peers).ProcessId);
    }

    [Fact]
    public void InodeFindsEveryHolderOfAPipeSharedByThreeProcesses()
    {
        using var target = TargetProcess.Start("pipe-shared");
        int writer = target.Processes["writer"], reader = target.Processes["reader"];
        long inode = PipeScan.InodeOf(target.Pid, 20);

        var result = PipeScan.Find(PipeSelection.ForInodes([inode]));

        Assert.Equal(
            new[] { (target.Pid, 20, EndpointAccess.Write), (writer, 20, EndpointAccess.Write), (reader, 21, EndpointAccess.Read) }.OrderBy(h => h.Item1),
            result.Endpoints.Select(e => (e.ProcessId, e.FileDescriptor, e.AccessValue)));
        Assert.All(result.Endpoints, e => Assert.Equal(inode, e.Inode));
        Assert.Equal([target.Pid, writer], result.Endpoint(reader, 21).Peers.Select(p => p.ProcessId).Order());
        Assert.Equal(reader, Assert.Single(result.Endpoint(writer, 20).Peers).ProcessId);
        Assert.Empty(result.UnmatchedInodes);
    }

    [Fact]
    public void AnInodeNobodyHoldsIsReported()
    {
        var result = PipeScan.Find(PipeSelection.ForInodes([long.MaxValue]));
        Assert.Empty(result.Endpoints);
        Assert.Equal([long.MaxValue], result.UnmatchedInodes);
    }

    [Fact]
    public void APipeBetweenAProcesssOwnThreadsIsNotASelfLoop()
    {
        // threads 6 0: "read-3" blocks reading a pipe whose both ends are the process's own.
        using var target = TargetProcess.Start("threads", "6", "0");
        var pipe = PipeScan.OfProcesses(target.Pid).Endpoints.Where(e => e.KindValue == EndpointKind.Pipe && e.BlockedThreads.Count > 0).ToList();
        var writeEnd = Assert.Single(pipe, e => e.AccessValue == EndpointAccess.Write);
        Assert.Equal(PipeDiagnosis.Ok, writeEnd.DiagnosisValue);
        Assert.Equal(target.Threads["read-3"], Assert.Single(writeEnd.BlockedThreads).ThreadId);
    }

    [Fact]
    public void DescriptorsThatAreNotPipesAreReportedWithWhatTheyAre()
    {
        using var target = TargetProcess.Start("pipe-orphans");
        var result = PipeScan.Find(PipeSelection.ForProcessIds([target.Pid]).WithFileDescriptors([20, 999]));
        Assert.Equal(20, Assert.Single(result.Endpoints).FileDescriptor);
        var other = Assert.Single(result.OtherDescriptors);
        Assert.Equal((target.Pid, 999, "not open"), (other.ProcessId, other.FileDescriptor, other.Target));
    }

    [Fact]
    public void AMissingProcessIsReported()
    {
        int pidMax = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim());
        var result = PipeScan.OfProcesses(pidMax + 1);
        Assert.Equal([pidMax + 1], result.MissingProcessIds);
        Assert.Empty(result.Endpoints);
    }
}
