using System.Collections;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing;

/// <summary>
/// A command to start under the tracer: its executable found (PATH search like execvp), its argv and
/// environment laid out in native memory before the clone, and the clone itself. The child (see
/// <see cref="CloneTrampoline"/>) resets its signal handlers, changes directory, stops itself with
/// SIGSTOP so that the tracer can seize it, and execs.
/// </summary>
internal sealed unsafe class LaunchedCommand : IDisposable
{
    private readonly NativeStrings _strings = new();
    private readonly ClonedChild _child;

    public LaunchedCommand(TraceTarget.Launch launch)
    {
        ExecutablePath = Resolve(launch.FilePath);
        WorkingDirectory = launch.WorkingDirectory;
        _child = new ClonedChild(CloneTrampoline.CLONE_VM | CloneTrampoline.SIGCHLD, CloneTrampoline.ModeLaunch);
        var argv = new List<string> { launch.FilePath };
        argv.AddRange(launch.Arguments);
        var request = _child.Request;
        request->Path = (ulong)_strings.Add(ExecutablePath);
        request->Argv = (ulong)_strings.AddArray(argv);
        request->Envp = (ulong)_strings.AddArray(Environment());
        request->WorkingDirectory = string.IsNullOrEmpty(launch.WorkingDirectory) ? 0 : (ulong)_strings.Add(launch.WorkingDirectory);
        request->StdinFd = launch.StandardInputFd;
        request->StdoutFd = launch.StandardOutputFd;
        request->StderrFd = launch.StandardErrorFd;
    }

    public string ExecutablePath { get; }

    public string? WorkingDirectory { get; }

    /// <summary>The child recorded a failed step (chdir or execve) and exits with 127.</summary>
    public bool ChildFailed => _child.Request->FailedStep != 0;

    /// <summary>Clones the child, which stops itself with SIGSTOP before exec. Returns its pid.</summary>
    public int Start()
    {
        try
        {
            return _child.Start();
        }
        catch (SyscallException e)
        {
            throw new TargetException(TargetFailureReason.LaunchFailed, null,
                $"cannot start '{ExecutablePath}': {e.Message}", "too many processes or not enough memory; try again", e) { Errno = e.Errno };
        }
    }

    /// <summary>Why the child gave up before or in execve (it exits with 127 after recording it).</summary>
    public TargetException Failure(int? pid)
    {
        var errno = (int)_child.Request->ChildErrno;
        if (_child.Request->FailedStep == CloneTrampoline.StepChdir)
            return new TargetException(TargetFailureReason.LaunchFailed, pid,
                $"cannot change to working directory '{WorkingDirectory}': {Errno.GetDescription(errno)} ({Errno.GetName(errno)})",
                "check that the working directory exists and is accessible") { Errno = errno };
        if (_child.Request->FailedStep == CloneTrampoline.StepStdio)
            return new TargetException(TargetFailureReason.LaunchFailed, pid,
                $"cannot give the command its standard streams: dup2 failed with {Errno.GetDescription(errno)} ({Errno.GetName(errno)})",
                "too many open files: close some, or raise the limit (ulimit -n)") { Errno = errno };
        if (errno == 0)
            return new TargetException(TargetFailureReason.LaunchFailed, pid,
                $"'{ExecutablePath}' ended before it could be traced", "check that the command can run on its own");
        return ExecFailure(ExecutablePath, errno, pid);
    }

    public void Dispose()
    {
        _child.Dispose();
        _strings.Dispose();
    }

    private static TargetException ExecFailure(string path, int errno, int? pid)
    {
        var remedy = errno switch
        {
            Errno.ENOENT => "check the path, or that the command is in PATH",
            Errno.EACCES => $"make it executable (chmod +x '{path}') and check the permissions of its directories",
            8 /* ENOEXEC */ => "it is not a binary or script this machine can run (a script needs a #! line)",
            _ => "check that the command can run on its own",
        };
        var what = errno == Errno.ENOENT ? "no such file" : Errno.GetDescription(errno);
        return new TargetException(TargetFailureReason.LaunchFailed, pid,
            $"cannot run '{path}': {what} ({Errno.GetName(errno)})", remedy) { Errno = errno };
    }

    /// <summary>execvp's lookup: a name without '/' is searched in PATH; the first executable regular file wins.</summary>
    private static string Resolve(string filePath)
    {
        if (string.IsNullOrEmpty(filePath))
            throw ExecFailure(filePath, Errno.ENOENT, null);
        if (filePath.Contains('/'))
            return Path.GetFullPath(filePath);
        var searchPath = System.Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(searchPath))
            searchPath = "/usr/local/bin:/usr/bin:/bin";
        var sawNotExecutable = false;
        foreach (var directory in searchPath.Split(':'))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, filePath);
            if (!File.Exists(candidate))
                continue;
            if (Libc.Access(candidate, Libc.X_OK) == 0)
                return Path.GetFullPath(candidate);
            sawNotExecutable = true;
        }
        throw ExecFailure(filePath, sawNotExecutable ? Errno.EACCES : Errno.ENOENT, null);
    }

    /// <summary>The environment as .NET sees it (PowerShell's $env: changes included), as KEY=VALUE.</summary>
    private static List<string> Environment()
    {
        var list = new List<string>();
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            list.Add($"{entry.Key}={entry.Value}");
        return list;
    }
}
