using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.Stacks;
using Xunit.Abstractions;

namespace Diag.Linux.Tests.Stacks;

/// <summary>
/// Binaries the host path does not reach: deleted since the process started (an upgrade), or in another
/// mount namespace (a container; gdb failed there in the VPN server incident). Named through
/// /proc/PID/map_files, and through /proc/PID/root where map_files is not allowed.
/// </summary>
public sealed class ModuleResolutionTests(ITestOutputHelper output)
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

    [Theory]
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
            // No dynamic skip in xunit 2: pass only where creating a mount namespace is impossible, and say why.
            Assert.True(Libc.GetEffectiveUserId() != 0, $"unshare --mount failed as root: {e.Message}");
            output.WriteLine($"NOT RUN: unshare --mount needs root (CAP_SYS_ADMIN): {e.Message}");
            directory.Delete();
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
