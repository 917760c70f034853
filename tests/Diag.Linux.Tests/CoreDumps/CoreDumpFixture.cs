using System.Globalization;
using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>
/// A fixture root for the configurations this machine does not have: proc/sys with the core sysctls, etc with
/// handler and systemd configuration, and proc/PID files of a made-up process. Read by a CoreDumpInspector
/// rooted there, exactly as the real machine is read.
/// </summary>
internal sealed class CoreDumpFixture : IDisposable
{
    public const int Pid = 4321;

    public CoreDumpFixture(string pattern, int usesPid = 0, int suidDumpable = 0, int pipeLimit = 0)
    {
        Root = System.IO.Directory.CreateTempSubdirectory("diag-core-fixture-").FullName;
        Write("proc/sys/kernel/core_pattern", pattern + "\n");
        Write("proc/sys/kernel/core_uses_pid", usesPid + "\n");
        Write("proc/sys/fs/suid_dumpable", suidDumpable + "\n");
        Write("proc/sys/kernel/core_pipe_limit", pipeLimit + "\n");
        Write("proc/sys/kernel/hostname", "db1\n");
        Write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nmysql:x:27:27:MySQL:/var/lib/mysql:/bin/false\n");
        Write("proc/1/comm", "systemd\n");
        Write("proc/1/limits", Limits(null, null));
    }

    public string Root { get; }

    public void Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public string Directory(string relative) => System.IO.Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;

    /// <summary>An executable file (a pipe handler's program).</summary>
    public void Program(string relative)
    {
        Write(relative, "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(Root, relative), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>A made-up process: its ids (real, effective, saved, fs), core limit, directory and command line.
    /// The fixture's proc/PID files belong to root (the tests run as root): a non-root uid reads as a process
    /// that changed credentials, as mysqld does after starting as root.</summary>
    public void Process(string name, uint[] uids, uint[] gids, ulong? coreLimit, string cwd, string[]? commandLine = null,
        string environment = "", string maps = "", string cgroup = "0::/user.slice/session-1.scope\n", ulong? fileSizeLimit = null,
        long residentKiB = 2048, string? root = null, ulong? coreHardLimit = null)
    {
        var dir = $"proc/{Pid}";
        Write($"{dir}/comm", name + "\n");
        Write($"{dir}/cmdline", string.Join('\0', commandLine ?? [name]) + "\0");
        Write($"{dir}/environ", environment);
        Write($"{dir}/status",
            $"Name:\t{name}\nTgid:\t{Pid}\nPid:\t{Pid}\nUid:\t{string.Join('\t', uids)}\nGid:\t{string.Join('\t', gids)}\nGroups:\t\n" +
            $"NSpid:\t{Pid}\nKthread:\t0\nVmSize:\t{residentKiB * 4} kB\nRssAnon:\t{residentKiB} kB\nRssFile:\t1024 kB\nRssShmem:\t0 kB\nVmSwap:\t0 kB\n" +
            $"SigCgt:\t0000000000000000\nCapEff:\t{(uids[1] == 0 ? "000001ffffffffff" : "0000000000000000")}\n");
        Write($"{dir}/stat", $"{Pid} ({name}) S 1 {Pid} {Pid} 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 1 0 1234 1000000 500 18446744073709551615\n");
        Write($"{dir}/limits", Limits(coreLimit, fileSizeLimit, coreHardLimit));
        Write($"{dir}/maps", maps);
        Write($"{dir}/coredump_filter", "00000033\n");
        Write($"{dir}/cgroup", cgroup);
        System.IO.Directory.CreateDirectory(Path.Combine(Root, cwd));
        Link($"{dir}/cwd", cwd);
        if (root is not null) Link($"{dir}/root", root);
    }

    private void Link(string relative, string target)
    {
        var path = Path.Combine(Root, relative);
        File.Delete(path);
        File.CreateSymbolicLink(path, Path.Combine(Root, target));
    }

    private static string Limits(ulong? core, ulong? fileSize, ulong? coreHard = null)
    {
        string V(ulong? v) => v is { } n ? n.ToString(CultureInfo.InvariantCulture) : "unlimited";
        return "Limit                     Soft Limit           Hard Limit           Units     \n" +
               $"Max file size             {V(fileSize),-20} {V(fileSize),-20} bytes     \n" +
               $"Max core file size        {V(core),-20} {V(coreHard),-20} bytes     \n";
    }

    public CoreDumpReport Inspect(bool canRaiseHardLimits = true) =>
        new CoreDumpInspector(Root, canRaiseHardLimits).InspectProcess(Pid) ?? throw new InvalidOperationException("fixture process not found");

    public CoreDumpReport InspectSystem() => new CoreDumpInspector(Root).InspectSystem();

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}

internal static class ReportExtensions
{
    public static CoreDumpCheck Check(this CoreDumpReport report, CoreDumpCheckName name) => Assert.Single(report.Checks, c => c.CheckName == name);

    public static CheckStatus Status(this CoreDumpReport report, CoreDumpCheckName name) => report.Check(name).StatusValue;
}
