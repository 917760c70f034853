using System.Diagnostics;

namespace Diag.TestSupport;

/// <summary>Runs the installed tcpdump on a capture file (no shell) and returns what it printed.</summary>
public static class Tcpdump
{
    public static string? ExecutablePath { get; } =
        new[] { "/usr/bin/tcpdump", "/usr/sbin/tcpdump", "/bin/tcpdump", "/sbin/tcpdump" }.FirstOrDefault(File.Exists);

    /// <summary>tcpdump ARGS -r FILE; stdout lines. Fails the test when tcpdump is missing (CI installs it: .ci/run) or fails.</summary>
    public static IReadOnlyList<string> Read(string captureFile, params string[] arguments)
    {
        var (exitCode, lines, error) = Run(captureFile, arguments);
        Assert.True(exitCode == 0, $"tcpdump {string.Join(' ', arguments)} failed: {error}");
        return lines;
    }

    /// <summary>tcpdump ARGS -r FILE, whatever it thinks of the file: its exit code, stdout lines and stderr.</summary>
    public static (int ExitCode, IReadOnlyList<string> Lines, string Error) Run(string captureFile, params string[] arguments)
    {
        Assert.True(ExecutablePath is not null, "tcpdump is not installed: apt-get install -y tcpdump (.ci/run installs it)");
        var info = new ProcessStartInfo(ExecutablePath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("-r");
        info.ArgumentList.Add(captureFile);
        // tcpdump prints local time (-tttt) in the time zone this process has too: the same wall clock.
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line) lines.Add(line);
        Assert.True(process.WaitForExit(30_000), "tcpdump did not finish");
        return (process.ExitCode, lines, error.Result);
    }
}
