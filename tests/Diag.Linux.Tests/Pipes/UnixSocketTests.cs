using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>Unix domain sockets between real processes: peers come from sock_diag, as ss -xp finds them.</summary>
public sealed class UnixSocketTests
{
    [Theory]
    [InlineData("stream", EndpointKind.UnixStream)]
    [InlineData("dgram", EndpointKind.UnixDatagram)]
    [InlineData("seqpacket", EndpointKind.UnixSeqPacket)]
    public void BothEndsOfASocketpairSeeEachOther(string type, EndpointKind kind)
    {
        using var target = TargetProcess.Start("unix-pair", type);
        int peer = target.Processes["peer"];
        var result = PipeScan.OfProcesses(target.Pid, peer);

        var mine = result.Endpoint(target.Pid, 20);
        var theirs = result.Endpoint(peer, 21);
        Assert.Equal((kind, kind), (mine.KindValue, theirs.KindValue));
        Assert.Equal(EndpointAccess.ReadWrite, mine.AccessValue);
        Assert.Equal((peer, 21), (Assert.Single(mine.Peers).ProcessId, mine.Peers[0].FileDescriptor));
        Assert.Equal((target.Pid, 20), (Assert.Single(theirs.Peers).ProcessId, theirs.Peers[0].FileDescriptor));
        Assert.Equal(PipeDiagnosis.Ok, mine.DiagnosisValue);
        var blocked = Assert.Single(mine.BlockedThreads);
        Assert.Equal((peer, 21, "read", EndpointAccess.Read), (blocked.ProcessId, blocked.FileDescriptor, blocked.Syscall, blocked.DirectionValue));
        Assert.Null(mine.Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AConnectedStreamSocketLeadsToTheListenersAcceptedSocket(bool abstractName)
    {
        string path = abstractName ? $"@diag-test-{Guid.NewGuid():N}" : Path.Combine(Path.GetTempPath(), $"diag-{Guid.NewGuid():N}.sock");
        using var server = TargetProcess.Start("unix-server", path);
        int client = server.Processes["client"], pending = server.Processes["pending"];
        var result = PipeScan.OfProcesses(server.Pid, client, pending);

        var clientEnd = result.Endpoint(client, 20);
        Assert.Equal(EndpointKind.UnixStream, clientEnd.KindValue);
        Assert.Equal(path, clientEnd.Path);
        Assert.Equal((server.Pid, 21), (Assert.Single(clientEnd.Peers).ProcessId, clientEnd.Peers[0].FileDescriptor));
        Assert.Equal(PipeDiagnosis.Ok, clientEnd.DiagnosisValue);

        var accepted = result.Endpoint(server.Pid, 21);
        Assert.Equal((client, 20), (Assert.Single(accepted.Peers).ProcessId, accepted.Peers[0].FileDescriptor));
        Assert.Equal(100, accepted.BufferedBytes); // sent by the client, not read by the server
        Assert.Contains("100 bytes waiting to be read", accepted.Message);

        var listener = result.Endpoint(server.Pid, 20);
        Assert.Equal(path, listener.Path);
        Assert.Empty(listener.Peers);
        Assert.Equal(PipeDiagnosis.Ok, listener.DiagnosisValue);
        Assert.Contains("1 connection waiting to be accepted", listener.Message);

        var waiting = result.Endpoint(pending, 20);
        Assert.Empty(waiting.Peers);
        Assert.Equal(PipeDiagnosis.Ok, waiting.DiagnosisValue);
        Assert.Equal(path, waiting.Path);
        Assert.Contains($"waiting to be accepted by {server.Pid} diag-test-target (fd 20)", waiting.Message);
    }

    [Fact]
    public void TheClientAloneFindsItsPeerInTheServer()
    {
        string path = Path.Combine(Path.GetTempPath(), $"diag-{Guid.NewGuid():N}.sock");
        using var server = TargetProcess.Start("unix-server", path);
        int client = server.Processes["client"];
        var clientEnd = PipeScan.Find(PipeSelection.ForProcessIds([client]).WithFileDescriptors([20])).Endpoint(client, 20);
        Assert.Equal((server.Pid, 21), (Assert.Single(clientEnd.Peers).ProcessId, clientEnd.Peers[0].FileDescriptor));
        Assert.Equal(0, clientEnd.BufferedBytes);
    }

    [Fact]
    public void InodeOfASocketFindsItsHoldersWithTheirPeers()
    {
        using var target = TargetProcess.Start("unix-pair");
        int peer = target.Processes["peer"];
        var result = PipeScan.Find(PipeSelection.ForInodes([PipeScan.InodeOf(peer, 21)]));
        var only = Assert.Single(result.Endpoints);
        Assert.Equal((peer, 21), (only.ProcessId, only.FileDescriptor));
        Assert.Equal(target.Pid, Assert.Single(only.Peers).ProcessId);
    }

    [Fact]
    public void SocketsInAnotherNetworkNamespaceAreResolvedThere()
    {
        // A container's processes: sock_diag in this namespace does not see their sockets; the scan asks theirs.
        using var target = TargetProcess.Start("netns", "unix-pair");
        int peer = target.Processes["peer"];
        var result = PipeScan.OfProcesses(target.Pid);
        var mine = result.Endpoint(target.Pid, 20);
        Assert.Equal(EndpointKind.UnixStream, mine.KindValue);
        Assert.Equal((peer, 21), (Assert.Single(mine.Peers).ProcessId, mine.Peers[0].FileDescriptor));
        Assert.Equal(0, result.ProcessesInOtherNetworkNamespaces);

        var all = PipeScan.Find(PipeSelection.All());
        Assert.Equal(target.Pid, Assert.Single(all.Endpoint(peer, 21).Peers).ProcessId);
        Assert.Equal(0, all.ProcessesInOtherNetworkNamespaces);

        var byInode = PipeScan.Find(PipeSelection.ForInodes([PipeScan.InodeOf(peer, 21)]));
        Assert.Equal(target.Pid, Assert.Single(Assert.Single(byInode.Endpoints).Peers).ProcessId);
    }

    [Fact]
    public void ASocketWhosePeerDiedIsPeerClosed()
    {
        using var target = TargetProcess.Start("unix-pair");
        int peer = target.Processes["peer"];
        using (var process = System.Diagnostics.Process.GetProcessById(peer)) process.Kill(); // its descriptors close as it exits
        PipeEndpoint mine;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do mine = PipeScan.OfProcesses(target.Pid).Endpoint(target.Pid, 20);
        while (mine.DiagnosisValue != PipeDiagnosis.PeerClosed && DateTime.UtcNow < deadline);
        Assert.Equal(PipeDiagnosis.PeerClosed, mine.DiagnosisValue);
        Assert.Empty(mine.Peers);
        Assert.Contains("the other end was closed", mine.Message);
    }
}
