using System.Diagnostics;

namespace Diag.TestSupport;

/// <summary>
/// A running diag-test-target (tests/TestTarget). Started with a mode, it prints one
/// "THREAD name tid" line per thread and then "READY pid"; <see cref="Start(string[])"/> returns once READY
/// arrives. Disposing closes its stdin (the target exits on EOF) and kills it if it lingers.
/// </summary>
public sealed class TargetProcess : IDisposable
{
    private readonly Process _process;

    private TargetProcess(Process process, Dictionary<string, int> threads, Dictionary<string, int> processes, int readyPid)
    {
        _process = process;
        Threads = threads;
        Processes = processes;
        ReadyPid = readyPid;
    }

    /// <summary>Path of the compiled test target (built next to the test assembly).</summary>
    public static string ExecutablePath { get; } = Path.Combine(AppContext.BaseDirectory, "diag-test-target");

    public int Pid => _process.Id;

    /// <summary>Thread name → TID for the threads the target announced.</summary>
    public IReadOnlyDictionary<string, int> Threads { get; }

    /// <summary>Role → PID for the processes a pipe or socket mode created ("PROCESS role pid" lines).</summary>
    public IReadOnlyDictionary<string, int> Processes { get; }

    /// <summary>The PID the READY line names: <see cref="Pid"/>, except for modes that run the target in
    /// another process (spawn's child, pipe-selfloop's worker).</summary>
    public int ReadyPid { get; }

    public static TargetProcess Start(params string[] args) => StartExecutable(ExecutablePath, args);

    /// <summary>Starts another build or copy of the target (the non-PIE build, a copy to delete).</summary>
    public static TargetProcess StartExecutable(string executable, params string[] args) => StartProgram(executable, null, null, args);

    /// <summary>Starts a copy of the target (a stand-in named like a server) in a directory, with extra environment variables.</summary>
    public static TargetProcess StartProgram(string executablePath, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(executablePath) { WorkingDirectory = workingDirectory ?? "" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        foreach (var a in args) info.ArgumentList.Add(a);
        return Start(info);
    }

    /// <summary>Starts any command that speaks the target's protocol (a runtime printing READY, the target
    /// run under unshare); its standard input and output are redirected here.</summary>
    public static TargetProcess Start(ProcessStartInfo info)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        var args = info.ArgumentList;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        var threads = new Dictionary<string, int>();
        var processes = new Dictionary<string, int>();
        var readyPid = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var read = process.StandardOutput.ReadLineAsync();
            if (!read.Wait(deadline - DateTime.UtcNow) || read.Result is null)
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                throw new InvalidOperationException($"{info.FileName} {string.Join(' ', args)} did not print READY");
            }
            var parts = read.Result.Split(' ');
            if (parts[0] == "THREAD") threads[parts[1]] = int.Parse(parts[2]);
            else if (parts[0] == "PROCESS") processes[parts[1]] = int.Parse(parts[2]);
            else if (parts[0] == "READY")
            {
                readyPid = parts.Length > 1 && int.TryParse(parts[1], out var pid) ? pid : process.Id;
                break;
            }
        }
        return new TargetProcess(process, threads, processes, readyPid);
    }

    /// <summary>Sends "status" and parses the reply's key=value pairs.</summary>
    public IReadOnlyDictionary<string, long> Status()
    {
        _process.StandardInput.WriteLine("status");
        _process.StandardInput.Flush();
        string? line;
        do
        {
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("target did not answer status");
            line = read.Result ?? throw new InvalidOperationException("target closed its output");
        } while (!line.StartsWith("STATUS ", StringComparison.Ordinal));
        return line.Split(' ').Skip(1).Select(kv => kv.Split('='))
            .ToDictionary(kv => kv[0], kv => long.Parse(kv[1]));
    }

    /// <summary>Writes one line to the target's standard input and returns at once (for commands that end it: "exit 3",
    /// "raise 15", "crash").</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Sends a command of the <c>calls</c> mode ("calls N M", "fork C N", "sleep MS") and waits for its "DONE".</summary>
    public void Command(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        var done = "DONE " + command.Split(' ')[0];
        string? line;
        do
        {
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException($"target did not finish '{command}'");
            line = read.Result ?? throw new InvalidOperationException("target closed its output");
        } while (line != done);
        // The reader has the DONE line as soon as the write copied it, before that write returned, and the main
        // thread has the caller's answer before the caller's write returned: a trace stopped now could miss those
        // exits. With both threads back in read (the next command), the target has finished this one.
        var task = $"/proc/{ReadyPid}/task";
        WaitUntilReading(ReadyPid, Directory.EnumerateDirectories(task).Select(d => int.Parse(Path.GetFileName(d))).ToArray());
    }

    /// <summary>Waits until each of these threads of <paramref name="pid"/> is blocked in read (syscall 0), as
    /// the command modes are between commands.</summary>
    public static void WaitUntilReading(int pid, params int[] threadIds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!threadIds.All(tid => File.ReadAllText($"/proc/{pid}/task/{tid}/syscall").StartsWith("0 ", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"process {pid} did not go back to reading its commands");
            Thread.Sleep(1);
        }
    }

    /// <summary>Runs a short-mode target to completion and returns its exit code.</summary>
    public static int Run(params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath) { UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("diag-test-target did not exit"); }
        return p.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_process.WaitForExit(2000)) Kill();
        _process.Dispose();
    }
}
