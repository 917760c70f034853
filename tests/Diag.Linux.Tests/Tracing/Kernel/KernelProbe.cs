using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>Runs <see cref="KernelProbeProgram"/> (this test assembly as a program) in a separate process,
/// optionally under a wrapper such as setpriv or unshare, and reads its "KEY value" lines.</summary>
internal static class KernelProbe
{
    public static string Dotnet { get; } = FindDotnet();

    public static string Assembly { get; } = typeof(KernelProbeProgram).Assembly.Location;

    /// <summary>Runs to completion; returns the last value of each key.</summary>
    public static Dictionary<string, string> Run(string[] wrapper, params string[] probeArgs)
    {
        using var process = Start(wrapper, probeArgs);
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the probe did not end");
        var lines = Parse(output);
        Assert.True(lines.ContainsKey("UID"), $"the probe did not run: {output}\n{error.Result}");
        lines["(stderr)"] = error.Result;
        lines["(rows)"] = output;
        return lines;
    }

    /// <summary>Starts the probe; <paramref name="mode"/> picks the program (kernel-probe, or bpf-probe for
    /// <see cref="Bpf.BpfProbeProgram"/>).</summary>
    public static Process Start(string[] wrapper, string[] probeArgs, string mode = "kernel-probe")
    {
        var command = wrapper.Concat([Dotnet, Assembly, mode]).Concat(probeArgs).ToArray();
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command[1..])
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        info.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(info)!;
    }

    public static Dictionary<string, string> Parse(string output)
    {
        var lines = new Dictionary<string, string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            if (space > 0)
                lines[line[..space]] = line[(space + 1)..].TrimEnd();
        }
        return lines;
    }

    /// <summary>Calls of a syscall in the probe's ROW lines, or null.</summary>
    public static long? Calls(Dictionary<string, string> lines, string syscall) =>
        lines["(rows)"].Split('\n').Where(l => l.StartsWith("ROW " + syscall + " ", StringComparison.Ordinal))
            .Select(l => (long?)long.Parse(l.Split(' ')[2])).SingleOrDefault();

    private static string FindDotnet()
    {
        // The runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var dotnet = Path.Combine(root, "dotnet");
        return File.Exists(dotnet) ? dotnet : "dotnet";
    }
}
