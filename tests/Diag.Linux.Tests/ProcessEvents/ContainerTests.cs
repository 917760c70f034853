using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>Cgroups, container ids and PID namespaces, read in the kernel: a process moved into a cgroup named as
/// Docker names them, and a process that is pid 1 of a new PID namespace.</summary>
public sealed class ContainerTests
{
    [RootFact]
    public void ACgroupNamedByAContainerRuntimeGivesTheContainerId()
    {
        var mount = CgroupPaths.UnifiedMount();
        Assert.NotNull(mount);
        var id = (Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..64];
        var cgroup = $"/docker-{id}.scope";
        var directory = mount + cgroup;
        Directory.CreateDirectory(directory);
        try
        {
            using var target = Watching.Prepared("/bin/sh", "-c", $"echo $$ > {directory}/cgroup.procs && exec {TargetProcess.ExecutablePath} exit 0");
            var items = Watching.While(new ProcessWatchOptions { ParentIds = [Environment.ProcessId] }, () => Assert.Equal(0, Watching.RunToExit(target)));
            var exec = items.Events().Single(e => e.EventKind == ProcessEventKind.Exec && e.ProcessId == target.ReadyPid && e.Path == TargetProcess.ExecutablePath);
            Assert.Equal(cgroup, exec.Cgroup);
            Assert.Equal(id, exec.ContainerId);
            Assert.NotEqual(0, exec.CgroupId);
            var exit = items.Events().Single(e => e.EventKind == ProcessEventKind.Exit && e.ProcessId == target.ReadyPid);
            Assert.Equal(id, exit.ContainerId);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [RootFact]
    public void TheFirstProcessOfANewPidNamespaceIsPidOneThere()
    {
        using var target = Watching.Prepared("unshare", "--pid", "--fork", "--", TargetProcess.ExecutablePath, "exit", "0");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [target.ReadyPid] }, () => Assert.Equal(0, Watching.RunToExit(target)));
        var exec = items.Events().Single(e => e.EventKind == ProcessEventKind.Exec && e.Path == TargetProcess.ExecutablePath);
        Assert.Equal(1, exec.NamespaceProcessId);
        Assert.NotEqual(1, exec.ProcessId);
        Assert.Equal(target.ReadyPid, exec.ParentId);
    }

    [Fact]
    public void ContainerIdsAreFoundAsEachRuntimeNamesItsCgroups()
    {
        var id = new string('a', 32) + new string('0', 32);
        Assert.Equal(id, ContainerIds.FromCgroup($"/system.slice/docker-{id}.scope"));
        Assert.Equal(id, ContainerIds.FromCgroup($"/docker/{id}"));
        Assert.Equal(id, ContainerIds.FromCgroup($"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-{id}.scope"));
        Assert.Equal(id, ContainerIds.FromCgroup($"/machine.slice/libpod-{id}.scope/container"));
        Assert.Equal(id, ContainerIds.FromCgroup($"/kubepods/burstable/pod5678/{id}"));
        Assert.Equal(id, ContainerIds.FromCgroup($"/crio-{id}.scope"));
        Assert.Null(ContainerIds.FromCgroup("/system.slice/cron.service"));
        Assert.Null(ContainerIds.FromCgroup("/user.slice/user-1000.slice/session-2.scope"));
        Assert.Null(ContainerIds.FromCgroup(null));
    }
}
