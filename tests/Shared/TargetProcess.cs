using System.Diagnostics;

namespace Diag.TestSupport;

/// <summary>
/// A running diag-test-target (tests/TestTarget). Started with a mode, it prints one
/// "THREAD name tid" line per thread and then "READY pid"; <see cref="Start"/> returns once READY
/// arrives. Disposing closes its stdin (the target exits on EOF) and kills it if it lingers.
/// </summary>
public sealed class TargetProcess : IDisposable
{
    private readonly Process _process;

    private TargetProcess(Process process, Dictionary<string, int> threads, int readyPid)
    {
        _process = process;
        Threads = threads;
        ReadyPid = readyPid;
    }

    /// <summary>The PID the READY line gave: this process, or the one its spawn mode started.</summary>
    public int ReadyPid { get; }

    /// <summary>Path of the compiled test target (built next to the test assembly).</summary>
    public static string ExecutablePath { get; } = Path.Combine(AppContext.BaseDirectory, "diag-test-target");

    public int Pid => _process.Id;

    /// <summary>Thread name → TID for the threads the target announced.</summary>
    public IReadOnlyDictionary<string, int> Threads { get; }

    public static TargetProcess Start(params string[] args) => StartExecutable(ExecutablePath, args);

    /// <summary>Starts another build or copy of the target (the non-PIE build, a copy to delete).</summary>
    public static TargetProcess StartExecutable(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable);
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
            else if (parts[0] == "READY")
            {
                readyPid = parts.Length > 1 && int.TryParse(parts[1], out var pid) ? pid : process.Id;
                break;
            }
        }
        return new TargetProcess(process, threads, readyPid);
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
