using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>What an exec carries, read in the kernel at the exec: long command lines cut and said, failed execs with
/// their errno, scripts named as scripts, relative names and working directories.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory($"diag-exec-{Environment.ProcessId}-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RootFact]
    public void ACommandLineLongerThan4KiBIsCutAndSaidSo()
    {
        var longArgument = new string('x', 6000);
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "exit", "0", longArgument, "tail");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [Environment.ProcessId] },
            () => Assert.Equal(0, Watching.RunToExit(target)));
        var exec = items.Events().Single(e => e.EventKind == ProcessEventKind.Exec && e.ProcessId == target.ReadyPid);
        var total = TargetProcess.ExecutablePath.Length + 1 + "exit".Length + 1 + 2 + longArgument.Length + 1 + "tail".Length + 1;
        Assert.True(exec.CommandLineCut);
        Assert.Equal(total, exec.ArgumentBytes);
        Assert.Equal(4096, exec.Arguments.Sum(a => a.Length + 1) - 1);     // 4 KiB kept: the last argument without its NUL
        Assert.Equal(TargetProcess.ExecutablePath, exec.Arguments[0]);
        Assert.Equal(new[] { "exit", "0" }, exec.Arguments.Skip(1).Take(2));
        Assert.StartsWith(new string('x', 100), exec.Arguments[3], StringComparison.Ordinal);
        Assert.Equal(4, exec.Arguments.Count);                              // "tail" is beyond the cut
        Assert.Equal(string.Join(' ', exec.Arguments), exec.CommandLine);

        var exit = items.Events().Single(e => e.EventKind == ProcessEventKind.Exit && e.ProcessId == target.ReadyPid);
        Assert.Equal(0, exit.ExitCode);
    }

    [RootFact]
    public void AFailedExecIsReportedWithItsErrnoAndTheNameItWasGiven()
    {
        var notExecutable = Path.Combine(_directory, "data.txt");
        File.WriteAllText(notExecutable, "not a program");
        var missing = Path.Combine(_directory, "missing");
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "exec-fail", missing, notExecutable, "relative-missing");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [Environment.ProcessId], IncludeFailed = true },
            () => Assert.Equal(0, Watching.RunToExit(target)));
        var failed = items.Events().Where(e => e.ProcessId == target.ReadyPid && e.Error is not null).ToList();
        Assert.Equal(3, failed.Count);
        Assert.Equal(new[] { "ENOENT", "EACCES", "ENOENT" }, failed.Select(e => e.Error));
        Assert.Equal(new[] { missing, notExecutable, "relative-missing" }, failed.Select(e => e.RequestedPath));
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "relative-missing"), failed[2].Path); // made absolute from the working directory
        Assert.All(failed, e =>
        {
            Assert.Equal(ProcessEventKind.Exec, e.EventKind);
            Assert.Equal(new[] { e.RequestedPath!, "--diag-failed-exec" }, e.Arguments);
            Assert.Equal(Directory.GetCurrentDirectory(), e.WorkingDirectory);
            Assert.Equal("diag-test-targe", e.Name);                      // still the program that tried
        });
        // Without -IncludeFailed there is no program on sys_exit, and no failed exec.
        using var again = Watching.Prepared(TargetProcess.ExecutablePath, "exec-fail", missing);
        items = Watching.While(new ProcessWatchOptions { ParentIds = [Environment.ProcessId] }, () => Watching.RunToExit(again));
        Assert.DoesNotContain(items.Events(), e => e.Error is not null);
    }

    [RootFact]
    public void AScriptIsNamedAsItselfWithItsInterpreterBesideIt()
    {
        var script = Path.Combine(_directory, "run.sh");
        File.WriteAllText(script, "#!/bin/sh\nexit 5\n");
        File.SetUnixFileMode(script, (UnixFileMode)Convert.ToInt32("755", 8));
        var link = Path.Combine(_directory, "link-to-target");
        File.CreateSymbolicLink(link, TargetProcess.ExecutablePath);
        using var first = Watching.Prepared(script, "argument");
        using var second = Watching.Prepared(link, "exit", "0");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [Environment.ProcessId] }, () =>
        {
            Assert.Equal(5, Watching.RunToExit(first));
            Assert.Equal(0, Watching.RunToExit(second));
        });
        var scriptExec = items.Events().Single(e => e.EventKind == ProcessEventKind.Exec && e.ProcessId == first.ReadyPid);
        Assert.Equal(script, scriptExec.Path);
        Assert.Equal(RealPath("/bin/sh"), scriptExec.Interpreter);
        Assert.Equal("run.sh", scriptExec.Name);
        Assert.Equal(new[] { "/bin/sh", script, "argument" }, scriptExec.Arguments);

        // A link is resolved to the file that runs; the name it was called by stays in RequestedPath.
        var linkExec = items.Events().Single(e => e.EventKind == ProcessEventKind.Exec && e.ProcessId == second.ReadyPid);
        Assert.Equal(TargetProcess.ExecutablePath, linkExec.Path);
        Assert.Equal(link, linkExec.RequestedPath);
        Assert.Null(linkExec.Interpreter);
    }

    /// <summary>The path with every link resolved, directories too (/bin is a link to usr/bin on merged-/usr systems).</summary>
    private static string RealPath(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("readlink", ["-f", path]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    [RootFact]
    public void ARelativeExecIsResolvedAgainstTheWorkingDirectoryReadInTheKernel()
    {
        var copy = Path.Combine(_directory, "relative-target");
        File.Copy(TargetProcess.ExecutablePath, copy);
        File.SetUnixFileMode(copy, (UnixFileMode)Convert.ToInt32("755", 8));
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, _directory, null, "exec-on-line", "./relative-target", "exit", "0");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [Environment.ProcessId] }, () => Watching.RunToExit(target));
        var exec = items.Events().Single(e => e.EventKind == ProcessEventKind.Exec && e.ProcessId == target.ReadyPid);
        Assert.Equal(_directory, exec.WorkingDirectory);
        Assert.Equal("./relative-target", exec.RequestedPath);
        Assert.Equal(copy, exec.Path);
        Assert.Equal("relative-target", exec.Name);
    }
}
