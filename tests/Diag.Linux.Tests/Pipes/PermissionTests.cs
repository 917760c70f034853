using System.Runtime.InteropServices;
using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>
/// What an unprivileged user sees. The tests run as root, so the scan runs on a thread whose credentials alone
/// are dropped to nobody (65534) with raw setresuid/setresgid system calls: Linux credentials are per thread,
/// and only glibc's wrappers spread a change to every thread of the process. The targets run as nobody
/// (the test target's as-user mode) or as root.
/// </summary>
public sealed partial class PermissionTests
{
    private const int Nobody = 65534;

    [RootFact]
    public void ProcessesOfOtherUsersAreCountedAndYourOwnAreComplete()
    {
        using var mine = TargetProcess.Start("as-user", Nobody.ToString(), "pipeline", "100");
        using var roots = TargetProcess.Start("pipeline", "100");
        int writer = mine.Processes["writer"], reader = mine.Processes["reader"];

        var result = AsUser(Nobody, () => PipeScan.Find(PipeSelection.All()));

        Assert.True(result.ProcessesNotPermitted > 0, "root's processes are not inspectable by nobody");
        Assert.DoesNotContain(result.Endpoints, e => e.ProcessId == roots.Processes["writer"] || e.ProcessId == roots.Processes["reader"]);
        var output = result.Endpoint(writer, 1);
        Assert.Equal((reader, 0), (Assert.Single(output.Peers).ProcessId, output.Peers[0].FileDescriptor));
        Assert.Equal(100, output.BufferedBytes); // pidfd_getfd is allowed on your own processes
    }

    [RootFact]
    public void AMissingEndIsQualifiedWhenSomeProcessesCouldNotBeInspected()
    {
        using var orphans = TargetProcess.Start("as-user", Nobody.ToString(), "pipe-orphans");
        var result = AsUser(Nobody, () => PipeScan.Find(PipeSelection.All()));
        var noReader = result.Endpoint(orphans.Pid, 20);
        Assert.Equal(PipeDiagnosis.NoReader, noReader.DiagnosisValue);
        Assert.Contains($"({result.ProcessesNotPermitted} processes could not be inspected; one of them may hold the other end.)", noReader.Message);
    }

    [RootFact]
    public void AnotherUsersProcessAskedForByIdIsDenied()
    {
        using var roots = TargetProcess.Start("pipeline", "100");
        int writer = roots.Processes["writer"];
        var result = AsUser(Nobody, () => PipeScan.OfProcesses(writer));
        Assert.Equal([writer], result.DeniedProcessIds);
        Assert.Empty(result.MissingProcessIds);
        Assert.Empty(result.Endpoints);
    }

    [RootFact]
    public void WithoutPrivilegesSocketsInAnotherNetworkNamespaceAreCounted()
    {
        // Made in a new network namespace by root, then run as nobody: nobody may read its descriptors but not
        // enter its namespace (setns needs CAP_SYS_ADMIN).
        using var contained = TargetProcess.Start("netns", "as-user", Nobody.ToString(), "unix-pair");
        var result = AsUser(Nobody, () => PipeScan.OfProcesses(contained.Pid));
        Assert.Equal(1, result.ProcessesInOtherNetworkNamespaces);
        Assert.DoesNotContain(result.Endpoints, e => e.FileDescriptor == 20);
    }

    /// <summary>Runs <paramref name="work"/> on a thread whose user and group IDs are <paramref name="uid"/>
    /// (the saved user ID stays 0, so the thread could take root back; it ends instead).</summary>
    private static T AsUser<T>(int uid, Func<T> work)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Check(Syscall(SYS_setresgid, uid, uid, 0), "setresgid");
                Check(Syscall(SYS_setresuid, uid, uid, 0), "setresuid");
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        // Changing a thread's user made the whole process non-dumpable; the other tests expect it dumpable.
        Prctl(PR_SET_DUMPABLE, 1);
        if (failure is not null) throw new InvalidOperationException("the unprivileged scan failed", failure);
        return result!;
    }

    private static void Check(long rc, string call)
    {
        if (rc != 0) throw new InvalidOperationException($"{call} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private const long SYS_setresuid = 117, SYS_setresgid = 119; // x86_64
    private const int PR_SET_DUMPABLE = 4;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, long argument);
}
