using System.Diagnostics;

namespace Diag.Bench;

/// <summary>A running out/test-target/diag-test-target (build the tests first: dotnet build Diag.slnx).</summary>
internal sealed class BenchTarget : IDisposable
{
    private readonly Process _process;

    private BenchTarget(Process process, Dictionary<string, int> processes, int readyPid)
    {
        _process = process;
        Processes = processes;
        ReadyPid = readyPid;
    }

    public int Pid => _process.Id;

    /// <summary>Role → PID of the processes a pipe mode created ("PROCESS role pid" lines).</summary>
    public IReadOnlyDictionary<string, int> Processes { get; }

    /// <summary>The PID of the READY line: the target itself when started through "spawn MODE" (its child).</summary>
    public int ReadyPid { get; }

    public static BenchTarget Start(params string[] args)
    {
        string path = Path.Combine(RepoRoot(), "out", "test-target", "diag-test-target");
        if (!File.Exists(path)) throw new FileNotFoundException("Build the test target first: dotnet build Diag.slnx", path);
        var info = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        string? line;
        var processes = new Dictionary<string, int>();
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
            if (line.Split(' ') is ["PROCESS", var role, var pid]) processes[role] = int.Parse(pid);
        if (line is null) throw new InvalidOperationException("diag-test-target did not get READY");
        return new BenchTarget(process, processes, int.Parse(line["READY ".Length..]));
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Diag.slnx"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The target's counters: "status" answered with "STATUS key=value ...".</summary>
    public Dictionary<string, long> Status()
    {
        _process.StandardInput.WriteLine("status");
        _process.StandardInput.Flush();
        string? line;
        while ((line = _process.StandardOutput.ReadLine()) is not null && !line.StartsWith("STATUS ", StringComparison.Ordinal))
        {
        }
        if (line is null) throw new InvalidOperationException("diag-test-target did not answer status");
        return line["STATUS ".Length..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1]));
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000)) _process.Kill();
        _process.Dispose();
    }
}
