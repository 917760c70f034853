using System.Diagnostics;
using Diag.Linux.Stacks;

namespace Diag.Linux.Tests.Stacks;

/// <summary>
/// Binaries the host path does not reach: deleted since the process started (an upgrade), or in another
/// mount namespace (a container; gdb failed there in the VPN server incident). Named through
/// /proc/PID/map_files, and through /proc/PID/root where map_files is not allowed.
/// </summary>
public sealed class ModuleResolutionTests
{
    [Fact]
    public void ADeletedExecutableIsStillNamed()
    {
        var directory = Directory.CreateTempSubdirectory("diag-deleted-");
        var copy = Path.Combine(directory.FullName, "vpnserver");
        File.Copy(TargetProcess.ExecutablePath, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var target = StackTestSupport.StartParked(copy);
        File.Delete(copy);
        directory.Delete();

        var nested = StackTestSupport.Read(target.Pid).Thread(target.Threads["nested"]);
        Assert.Equal(StackTestSupport.ExpectedFunctions["nested"], nested.Functions());
        Assert.Equal(copy + " (deleted)", nested.Frames[1].Module);
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnExecutableInAnotherMountNamespaceIsNamed(bool mapFiles)
    {
        // The binary lives on a tmpfs mounted only inside the new namespace: on the host the directory is empty.
        var directory = Directory.CreateTempSubdirectory("diag-mntns-");
        var info = new ProcessStartInfo("unshare") { RedirectStandardError = true };
        foreach (var a in new[] { "--mount", "--propagation", "private", "/bin/sh", "-c",
                     "mount -t tmpfs tmpfs \"$1\" && cp \"$2\" \"$1/server\" && exec \"$1/server\" spawn stacks", "sh",
                     directory.FullName, TargetProcess.ExecutablePath })
            info.ArgumentList.Add(a);
        SpawnedTarget target;
        try
        {
            target = SpawnedTarget.Start(info);
        }
        catch (InvalidOperationException e)
        {
            directory.Delete();
            Assert.Fail($"unshare --mount failed as root: {e.Message}");
            return;
        }
        var previous = ModuleFileOpener.UseMapFiles;
        try
        {
            Assert.False(File.Exists(Path.Combine(directory.FullName, "server")), "the binary must not be visible on the host");
            ModuleFileOpener.UseMapFiles = mapFiles;
            var nested = StackTestSupport.Read(target.Pid).Thread(target.Threads["nested"]);
            Assert.Equal(StackTestSupport.ExpectedFunctions["nested"], nested.Functions());
            Assert.Equal(Path.Combine(directory.FullName, "server"), nested.Frames[1].Module);
        }
        finally
        {
            ModuleFileOpener.UseMapFiles = previous;
            target.Dispose();
            directory.Delete();
        }
    }
}
