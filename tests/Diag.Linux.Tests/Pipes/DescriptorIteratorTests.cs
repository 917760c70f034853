using System.Diagnostics;
using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Pipes;
using Diag.Linux.Pipes.Kernel;
using Diag.Linux.Tests.Bpf;

namespace Diag.Linux.Tests.Pipes;

/// <summary>
/// The BPF task_file iterator reads every process's pipe, FIFO and socket descriptors in one pass. The endpoints it
/// leads to must be the ones the /proc pass (a readlink per descriptor) finds: each test scans real processes both
/// ways and compares the endpoints of its targets field by field.
/// </summary>
public sealed class DescriptorIteratorTests
{
    [RootFact]
    public void AsRootTheIteratorIsUsedAndSaysSo()
    {
        using var finder = new PipePeerFinder();
        Assert.True(finder.UsesDescriptorIterator, finder.SourceDescription);
        Assert.Contains("task_file iterator", finder.SourceDescription, StringComparison.Ordinal);
        using var proc = new PipePeerFinder("/", useKernel: false);
        Assert.False(proc.UsesDescriptorIterator);
        Assert.Contains("from /proc", proc.SourceDescription, StringComparison.Ordinal);
    }

    [RootFact]
    public void OnePipesPeersAreTheSameEitherWay()
    {
        using var farm = TargetProcess.Start("pipe-farm", "20", "12");
        var selection = PipeSelection.ForProcessIds([farm.Processes["first"]]).WithFileDescriptors([1]);
        var (kernel, proc) = BothWays(selection);
        var endpoint = Assert.Single(kernel.Endpoints);
        Assert.Equal(farm.Processes["second"], Assert.Single(endpoint.Peers).ProcessId);
        SameEndpoints(proc.Endpoints, kernel.Endpoints);
    }

    [RootFact]
    public void EveryHolderOfAnInodeIsFoundEitherWay()
    {
        using var shared = TargetProcess.Start("pipe-shared");
        long inode = PipeScan.InodeOf(shared.Processes["writer"], 20);
        var (kernel, proc) = BothWays(PipeSelection.ForInodes([inode]));
        Assert.True(kernel.Endpoints.Count >= 3, $"{kernel.Endpoints.Count} holders");
        SameEndpoints(proc.Endpoints, kernel.Endpoints);
        Assert.Empty(kernel.UnmatchedInodes);
    }

    [RootFact]
    public void AllEndpointsOfTheTargetsAreTheSameEitherWay()
    {
        // Pipes, socketpairs and /dev/null (pipe-farm), a FIFO with its path, a Unix server with a pending client,
        // and the supervisord self-loop: every kind of descriptor the scan keeps or leaves out.
        string fifo = Path.Combine(Path.GetTempPath(), $"diag-iter-fifo-{Environment.ProcessId}");
        using var farm = TargetProcess.Start("pipe-farm", "10", "20");
        using var fifoTarget = TargetProcess.Start("fifo", fifo);
        using var server = TargetProcess.Start("unix-server", $"@diag-iter-%d");
        using var loop = TargetProcess.Start("pipe-selfloop");
        using var pipeline = TargetProcess.Start("pipeline", "5000");
        try
        {
            var targets = new HashSet<int>(farm.Processes.Values.Concat(fifoTarget.Processes.Values).Concat(server.Processes.Values)
                .Concat(loop.Processes.Values).Concat(pipeline.Processes.Values).Concat([farm.Pid, fifoTarget.Pid, server.Pid, loop.ReadyPid]));
            var (kernel, proc) = BothWays(PipeSelection.All());
            var mine = kernel.Endpoints.Where(e => targets.Contains(e.ProcessId)).ToList();
            Assert.True(mine.Count > 50, $"{mine.Count} endpoints of the targets");
            SameEndpoints(proc.Endpoints.Where(e => targets.Contains(e.ProcessId)).ToList(), mine);
            Assert.Contains(mine, e => e.KindValue == EndpointKind.Fifo && e.Path == fifo);
            Assert.Contains(mine, e => e.DiagnosisValue == PipeDiagnosis.SelfLoop && e.BufferedBytes == e.Capacity);
            Assert.Contains(mine, e => e.ProcessId == pipeline.Processes["reader"] && e.BufferedBytes == 5000); // summed in the kernel
            Assert.Equal(0, kernel.ProcessesNotPermitted);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [RootFact]
    public void AProcessInAnotherPidNamespaceIsFoundByItsHostId()
    {
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--pid", "--fork", TargetProcess.ExecutablePath, "pipeline", "100" }) info.ArgumentList.Add(a);
        using var unshare = Process.Start(info)!;
        try
        {
            string? line;
            while ((line = unshare.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            int leader = int.Parse(File.ReadAllText($"/proc/{unshare.Id}/task/{unshare.Id}/children").Trim().Split(' ')[0]);
            var members = File.ReadAllText($"/proc/{leader}/task/{leader}/children").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(int.Parse).Append(leader).ToHashSet();
            // The pipe between the pipeline's writer and reader (the leader's own 0 and 1 lead out of the namespace).
            var outer = Directory.GetFiles($"/proc/{leader}/fd").Select(f => new FileInfo(f).LinkTarget!).ToHashSet();
            var inodes = members.Where(pid => pid != leader).SelectMany(pid => Directory.GetFiles($"/proc/{pid}/fd"))
                .Select(f => new FileInfo(f).LinkTarget!).Where(t => t.StartsWith("pipe:[", StringComparison.Ordinal) && !outer.Contains(t))
                .Select(t => long.Parse(t["pipe:[".Length..^1])).Distinct().ToArray();
            Assert.NotEmpty(inodes);
            var (kernel, proc) = BothWays(PipeSelection.ForInodes(inodes));
            Assert.NotEmpty(kernel.Endpoints);
            Assert.All(kernel.Endpoints, e => Assert.Contains(e.ProcessId, members));
            SameEndpoints(proc.Endpoints, kernel.Endpoints);
        }
        finally
        {
            unshare.StandardInput.Close();
            if (!unshare.WaitForExit(5000)) unshare.Kill(entireProcessTree: true);
        }
    }

    [RootFact]
    public void ProcessesThatComeAndGoDoNotBreakThePass()
    {
        using var churn = TargetProcess.Start("pipe-churn");
        using var finder = new PipePeerFinder();
        Assert.True(finder.UsesDescriptorIterator);
        for (int i = 0; i < 10; i++)
        {
            var all = finder.Find(PipeSelection.All());
            Assert.NotEmpty(all.Endpoints);
            Assert.All(all.Endpoints, e => Assert.True(e.Inode > 0 && e.FileDescriptor >= 0, e.ToString()));
        }
    }

    [RootFact]
    public void ListingIsTheReviewedOne()
    {
        var layout = new FileLayout
        {
            TaskPid = 1000, TaskTgid = 1004, FileMode = 4, FileFlags = 40, FileInode = 32, InodeMode = 0, InodeNumber = 64,
            InodeSuperBlock = 48, SuperBlockDevice = 16, SuperBlockMagic = 96, InodePipe = 584,
            PipeHead = 80, PipeTail = 84, PipeMaxUsage = 88, PipeRingSize = 92, PipeBuffers = 160, PipeBufferSize = 40, PipeBufferLength = 12,
        };
        using var inodes = BpfMap.Create("diag_fd_inodes", BpfMapType.Hash, 8, 1, 16, Interop.Libc.BPF_F_NO_PREALLOC);
        using var filterOn = BpfMap.Create("diag_fd_filter", BpfMapType.Array, 4, 4, 1);
        var code = DescriptorIteratorProgram.Build(layout, inodes, filterOn);
        var listing = $"# descriptor-iterator: one DescriptorRecord ({DescriptorRecord.Size} bytes) per pipe, FIFO or socket descriptor\n\n"
            + BpfListing.Render(code, new Dictionary<int, string> { [inodes.Fd.Value] = inodes.Name, [filterOn.Fd.Value] = filterOn.Name });
        var file = Path.Combine(SourceDirectory(), "Programs", "descriptor-iterator.txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, listing);
        }
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);

        // And for the running kernel, the verifier takes it.
        var running = DescriptorIteratorProgram.Build(FileLayout.Running(), inodes, filterOn);
        using var program = BpfProgram.LoadTracing("diag_fds", running, BpfAttachType.TraceIterator, KernelBtf.Vmlinux!.Function("bpf_iter_task_file")!.Id);
    }

    private static (PipeScanResult Kernel, PipeScanResult Proc) BothWays(PipeSelection selection)
    {
        using var kernel = new PipePeerFinder();
        using var proc = new PipePeerFinder("/", useKernel: false);
        Assert.True(kernel.UsesDescriptorIterator, kernel.SourceDescription);
        return (kernel.Find(selection), proc.Find(selection));
    }

    /// <summary>Field by field, peers and blocked threads included; the fill of a pipe may change between the two
    /// scans only where a process reads or writes it, which these targets do not.</summary>
    private static string WithoutCaveat(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @" \(\d+ process(es)? could not be inspected; one of them may hold the other end\.\)", "");

    private static void SameEndpoints(IReadOnlyList<PipeEndpoint> expected, IReadOnlyList<PipeEndpoint> actual)
    {
        static string Key(PipeEndpoint e) => $"{e.ProcessId}/{e.FileDescriptor}";
        Assert.Equal(expected.Select(Key).Order(), actual.Select(Key).Order());
        var byKey = expected.ToDictionary(Key);
        foreach (var a in actual)
        {
            var e = byKey[Key(a)];
            // The iterator reads every process in the kernel; readlink may be refused one (a sandbox's init refuses
            // even root), whose caveat only the /proc scan's messages then carry.
            Assert.Equal((e.ProcessName, e.Kind, e.Inode, e.Path, e.Access, e.BufferedBytes, e.Capacity, e.Diagnosis, WithoutCaveat(e.Message)),
                (a.ProcessName, a.Kind, a.Inode, a.Path, a.Access, a.BufferedBytes, a.Capacity, a.Diagnosis, WithoutCaveat(a.Message)));
            Assert.Equal(e.Peers.Select(p => p.ToString()).Order(), a.Peers.Select(p => p.ToString()).Order());
            Assert.Equal(e.BlockedThreads.Select(t => t.ToString()).Order(), a.BlockedThreads.Select(t => t.ToString()).Order());
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
