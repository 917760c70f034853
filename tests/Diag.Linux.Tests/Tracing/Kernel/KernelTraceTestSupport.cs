using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>Running kernel traces (and the same scenario under ptrace and strace -c) for comparison.</summary>
internal static class KernelTraceTestSupport
{
    /// <summary>Traces a launched command with the kernel backend until it exits.</summary>
    public static (TraceResult Result, List<TraceNotice> Notices) RunToEnd(TraceTarget target, TraceOptions options, bool measureTime = true)
    {
        using var session = KernelSyscallTracer.Start(target, options, measureTime);
        var notices = TraceTestSupport.Drain(session.Notices);
        Assert.True(session.Completion.Wait(TraceTestSupport.Patience), "the kernel trace did not end");
        Assert.True(notices.Wait(TraceTestSupport.Patience));
        return (session.Completion.Result, notices.Result);
    }

    /// <summary>Starts a trace with <paramref name="start"/>, runs <paramref name="during"/> (the target's
    /// commands), stops the trace and returns its result.</summary>
    public static (TraceResult Result, List<TraceNotice> Notices) RunWhile(Func<ISyscallTraceSession> start, Action during)
    {
        using var session = start();
        var notices = TraceTestSupport.Drain(session.Notices);
        during();
        session.Stop();
        Assert.True(session.Completion.Wait(TraceTestSupport.Patience), "the trace did not end after Stop");
        Assert.True(notices.Wait(TraceTestSupport.Patience));
        return (session.Completion.Result, notices.Result);
    }

    /// <summary>Calls and errors per syscall, the part of a summary every backend must agree on.</summary>
    public static SortedDictionary<string, (long Calls, long Errors)> Table(TraceResult result) =>
        new(result.Summary.GroupBy(r => r.Syscall).ToDictionary(g => g.Key, g => (g.Sum(r => r.Calls), g.Sum(r => r.Errors))), StringComparer.Ordinal);

    public static string Describe(SortedDictionary<string, (long Calls, long Errors)> table) =>
        string.Join(", ", table.Select(r => $"{r.Key} {r.Value.Calls}/{r.Value.Errors}"));

    public static long Calls(TraceResult result, string syscall) =>
        result.Summary.Where(r => r.Syscall == syscall).Sum(r => r.Calls);

    /// <summary><c>strace -c -f</c> of a launched command, parsed from its table.</summary>
    public static SortedDictionary<string, (long Calls, long Errors)> StraceLaunched(params string[] command)
    {
        var output = Path.GetTempFileName();
        try
        {
            using var strace = Process.Start(new ProcessStartInfo("strace", ["-c", "-f", "-o", output, .. command]) { UseShellExecute = false })!;
            Assert.True(strace.WaitForExit(60_000), "strace did not end");
            return ParseStraceTable(File.ReadAllText(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary><c>strace -c -f -p PID</c> while <paramref name="during"/> runs; ended with SIGTERM, as Ctrl+C would.</summary>
    public static SortedDictionary<string, (long Calls, long Errors)> StraceAttached(int pid, Action during)
    {
        var output = Path.GetTempFileName();
        try
        {
            using var strace = Process.Start(new ProcessStartInfo("strace", ["-c", "-f", "-o", output, "-p", pid.ToString(CultureInfo.InvariantCulture)])
            {
                UseShellExecute = false,
                RedirectStandardError = true,
            })!;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task").Select(Path.GetFileName))
                while (TraceTestSupport.TracerPid(int.Parse(task!, CultureInfo.InvariantCulture)) == 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, "strace did not attach");
                    Thread.Sleep(10);
                }
            during();
            Interop.Libc.Kill(strace.Id, 15); // SIGTERM: strace detaches and writes its table (SIGINT may be ignored in a background job)
            Assert.True(strace.WaitForExit(10_000), "strace did not end on SIGTERM");
            return ParseStraceTable(File.ReadAllText(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>strace's -c table: "% time seconds usecs/call calls [errors] syscall" rows between the rules.</summary>
    public static SortedDictionary<string, (long Calls, long Errors)> ParseStraceTable(string text)
    {
        var table = new SortedDictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length is not (5 or 6) || !double.TryParse(fields[0], CultureInfo.InvariantCulture, out _) || fields[^1] == "total")
                continue;
            var errors = fields.Length == 6 ? long.Parse(fields[4], CultureInfo.InvariantCulture) : 0;
            table[fields[^1]] = (long.Parse(fields[3], CultureInfo.InvariantCulture), errors);
        }
        return table;
    }
}
