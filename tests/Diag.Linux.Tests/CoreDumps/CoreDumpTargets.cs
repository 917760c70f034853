using System.Diagnostics;
using Diag.Linux.CoreDumps;
using Diag.Linux.Interop;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>Real processes for the core-dump tests: limits set with prlimit, directories with chosen modes,
/// stand-ins named like the servers (mysqld), and this machine's own kernel settings.</summary>
internal static unsafe class CoreDumpTargets
{
    public const uint Nobody = 65534;

    /// <summary>This machine's settings: which branch of a check a real process takes depends on them.</summary>
    public static KernelCoreSettings Kernel => KernelCoreSettings.Read(new MachineRoot("/"));

    public static void SetCoreLimit(int pid, ulong soft, ulong hard = ulong.MaxValue)
    {
        var limit = new Libc.ResourceLimit { Current = soft, Maximum = hard };
        Assert.True(Libc.PrLimit(pid, Libc.RLIMIT_CORE, &limit, null) == 0, "prlimit: " + Errno.GetName(Libc.LastErrno));
    }

    /// <summary>A temporary directory with a mode (owned by the test's user, root here), deleted when disposed.</summary>
    public static ScratchDirectory Directory(UnixFileMode mode) => new(mode);

    public const UnixFileMode Private = (UnixFileMode)0x1ED;  // 0755: only its owner (root) writes
    public const UnixFileMode Shared = (UnixFileMode)0x3FF;   // 1777: everyone writes, as /tmp

    /// <summary>A copy of the test target under another name (a stand-in for a server), in its own directory.</summary>
    public static string StandIn(ScratchDirectory directory, string name)
    {
        var path = Path.Combine(directory.FullName, name);
        File.Copy(TargetProcess.ExecutablePath, path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
        return path;
    }

    /// <summary>The test target with a .go.buildinfo section added (objcopy), as a Go binary has.</summary>
    public static string GoLike(ScratchDirectory directory)
    {
        var info = Path.Combine(directory.FullName, "buildinfo");
        File.WriteAllText(info, "\xff Go buildinf:");
        var path = Path.Combine(directory.FullName, "goserver");
        using var p = Process.Start(new ProcessStartInfo("objcopy", ["--add-section", ".go.buildinfo=" + info, TargetProcess.ExecutablePath, path])
            { UseShellExecute = false, RedirectStandardError = true })!;
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "objcopy: " + errors);
        return path;
    }

    public static CoreDumpReport Inspect(int pid) => new CoreDumpInspector().InspectProcess(pid) ?? throw new InvalidOperationException($"process {pid} not found");

    public static CoreDumpReport Verify(int pid)
    {
        var inspector = new CoreDumpInspector();
        var report = inspector.InspectProcess(pid) ?? throw new InvalidOperationException($"process {pid} not found");
        return inspector.Verify(report, CancellationToken.None);
    }

    /// <summary>Every entry of a directory (to show that -Verify left nothing behind).</summary>
    public static string[] Entries(ScratchDirectory directory) =>
        System.IO.Directory.GetFileSystemEntries(directory.FullName).Select(Path.GetFileName).OfType<string>().Order().ToArray();
}

/// <summary>A temporary directory that is deleted with everything in it when disposed.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(UnixFileMode mode)
    {
        FullName = Directory.CreateTempSubdirectory("diag-core-").FullName;
        File.SetUnixFileMode(FullName, mode);
    }

    public string FullName { get; }

    public void Dispose() => Directory.Delete(FullName, recursive: true);
}
