using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Bench;

/// <summary>
/// Signals under the tracer against <c>strace -f -p</c>: 50 SIGUSR1 sent 20 ms apart to a process whose
/// main thread waits in read (diag-test-target signals), how many the program counted and how many the
/// trace showed, RUNS runs of each, interleaved. With LOAD, that many busy loops compete for the CPUs
/// while the signals are sent. A standard signal sent while one of its kind is still pending merges with
/// it in the kernel, traced or not: the longer a tracer keeps a stopped thread from taking its signal,
/// the more merge.
///   dotnet run -c Release --project bench/Diag.Bench -- signals [RUNS] [LOAD]
/// </summary>
internal static class SignalBenchmark
{
    private const int Signals = 50;
    private const int SIGUSR1 = 10, SIGTERM = 15;

    public static int Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var load = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        var strace = new List<(long, int)>();
        var diag = new List<(long, int)>();
        for (var i = 0; i < runs; i++)
        {
            strace.Add(UnderStrace(load));
            diag.Add(UnderDiag(load));
        }
        Console.WriteLine($"{Signals} SIGUSR1 20 ms apart to diag-test-target signals (main thread in read), {runs} runs each, interleaved; " +
                          $"{load} busy loops; {Environment.ProcessorCount} CPUs; kernel {Environment.OSVersion.Version}");
        Console.WriteLine();
        Console.WriteLine($"| {"tracer",-34} | {"counted by the program",-24} | {"shown by the trace",-24} | {"runs with all 50",-16} |");
        Console.WriteLine($"|{new string('-', 36)}|{new string('-', 26)}|{new string('-', 26)}|{new string('-', 18)}|");
        Row("strace -f -p", strace);
        Row("Diag PtraceSyscallTracer, events", diag);
        Console.WriteLine();
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- signals {runs} {load}");
        return 0;
    }

    private static void Row(string name, List<(long Received, int Shown)> results) =>
        Console.WriteLine($"| {name,-34} | {string.Join(" ", results.Select(r => r.Received)),-24} | {string.Join(" ", results.Select(r => r.Shown)),-24} | " +
                          $"{results.Count(r => r.Received == Signals && r.Shown == Signals)}/{results.Count,-14} |");

    private static (long, int) UnderStrace(int load)
    {
        using var target = BenchTarget.Start("spawn", "signals");
        var log = Path.Combine(Path.GetTempPath(), $"diag-bench-signals-{Environment.ProcessId}.strace");
        using var strace = Process.Start(new ProcessStartInfo("strace", ["-f", "-p", target.ReadyPid.ToString(CultureInfo.InvariantCulture), "-o", log])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        try
        {
            while (TracerPid(target.ReadyPid) == 0)
                Thread.Sleep(1);
            Send(target.ReadyPid, load);
            var received = target.Status()["received"];
            Diag.Linux.Interop.Libc.Kill(strace.Id, SIGTERM);
            strace.WaitForExit();
            return (received, File.ReadLines(log).Count(l => l.Contains("--- SIGUSR1 ", StringComparison.Ordinal)));
        }
        finally
        {
            if (!strace.HasExited)
                strace.Kill();
            File.Delete(log);
        }
    }

    private static (long, int) UnderDiag(int load)
    {
        using var target = BenchTarget.Start("spawn", "signals");
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.ReadyPid), new TraceOptions { CollectEvents = true });
        var shown = Task.Run(async () =>
        {
            var count = 0;
            await foreach (var e in session.Events.ReadAllAsync())
                if (e is SignalEvent { Signal: "SIGUSR1" })
                    count++;
            return count;
        });
        Send(target.ReadyPid, load);
        var received = target.Status()["received"];
        session.Stop();
        session.Completion.Wait();
        return (received, shown.Result);
    }

    private static void Send(int pid, int load)
    {
        var loops = Enumerable.Range(0, load).Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!).ToList();
        try
        {
            for (var i = 0; i < Signals; i++)
            {
                Diag.Linux.Interop.Libc.Kill(pid, SIGUSR1);
                Thread.Sleep(20);
            }
            Thread.Sleep(200);
        }
        finally
        {
            foreach (var loop in loops)
            {
                loop.Kill();
                loop.Dispose();
            }
        }
    }

    private static int TracerPid(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("TracerPid:", StringComparison.Ordinal))
                return int.Parse(line["TracerPid:".Length..].Trim(), CultureInfo.InvariantCulture);
        return 0;
    }
}
