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

    private TargetProcess(Process process, Dictionary<string, int> threads)
    {
        _process = process;
        Threads = threads;
    }

    /// <summary>Path of the compiled test target (built next to the test assembly).</summary>
    public static string ExecutablePath { get; } = Path.Combine(AppContext.BaseDirectory, "diag-test-target");

    public int Pid => _process.Id;

    /// <summary>Thread name → TID for the threads the target announced.</summary>
    public IReadOnlyDictionary<string, int> Threads { get; }

    public static TargetProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + ExecutablePath);
        var threads = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var read = process.StandardOutput.ReadLineAsync();
            if (!read.Wait(deadline - DateTime.UtcNow) || read.Result is null)
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                throw new InvalidOperationException($"diag-test-target {string.Join(' ', args)} did not print READY");
            }
            var parts = read.Result.Split(' ');
            if (parts[0] == "THREAD") threads[parts[1]] = int.Parse(parts[2]);
            else if (parts[0] == "READY") break;
        }
        return new TargetProcess(process, threads);
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
