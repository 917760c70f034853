using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Stacks;

namespace Diag.Bench;

/// <summary>
/// Get-ThreadStack's engine against pstack (gdb -batch -ex 'thread apply all bt') and eu-stack -p, on a
/// 10- and a 200-thread target (diag-test-target progress N 2: a worker that raises a signal every
/// millisecond, two spinning threads, the rest blocked), in one run, RUNS runs of each, interleaved:
///   wall time of one whole-process read (Diag in-process and warm: the ELF files are parsed once per
///   session; its first read in a fresh process is printed apart);
///   how long each thread is stopped: Diag from its own side (tracer sees the stop → PTRACE_DETACH
///   returns); for every tool from outside, by a watcher that reads the state of five threads
///   (/proc/PID/task/TID/stat) in a tight loop: the longest run of samples with the worker thread in a
///   trace stop, and whether all five were ever stopped at the same instant (the whole process held).
/// The target is started through its "spawn" mode, as Diag does not read its own children.
/// </summary>
internal static class StackBenchmark
{
    public static int Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        Console.WriteLine($"{Environment.ProcessorCount} CPUs; kernel {Environment.OSVersion.Version}; median of {runs} runs each, interleaved");
        foreach (var threads in new[] { 10, 200 })
        {
            using var target = BenchTarget.Start("spawn", "progress", (threads - 2).ToString(CultureInfo.InvariantCulture), "2");
            var pid = target.ReadyPid;
            Thread.Sleep(200);
            var cold = Stopwatch.StartNew();
            using (var first = new ThreadStackReader()) first.Read(pid);
            var coldTime = cold.Elapsed;

            var tools = new (string Name, Func<Measurement> Run)[]
            {
                ("Diag ThreadStackReader (in-process)", () => Diag(pid, sourceLines: false)),
                ("eu-stack -p PID", () => Command(pid, "eu-stack", "-p", pid.ToString(CultureInfo.InvariantCulture))),
                ("gdb -batch -ex 'thread apply all bt' -p PID", () => Command(pid, "gdb", "-q", "-nx", "-batch", "-ex", "thread apply all bt", "-p", pid.ToString(CultureInfo.InvariantCulture))),
                ("Diag with source lines (-SourceLine)", () => Diag(pid, sourceLines: true)),
                ("eu-stack -s -p PID (source lines)", () => Command(pid, "eu-stack", "-s", "-p", pid.ToString(CultureInfo.InvariantCulture))),
            };
            var results = tools.ToDictionary(t => t.Name, _ => new List<Measurement>());
            foreach (var tool in tools) tool.Run(); // warm-up: page cache, JIT, ELF cache
            for (var i = 0; i < runs; i++)
                foreach (var tool in tools) results[tool.Name].Add(tool.Run());

            var actual = Directory.GetDirectories($"/proc/{pid}/task").Length;
            Console.WriteLine();
            Console.WriteLine($"target: diag-test-target progress {threads - 2} 2 ({actual} threads), PID {pid}; Diag's first read in this process (cold): {Ms(coldTime)}");
            Console.WriteLine($"| {"tool",-46} | {"wall (median)",13} | {"stop per thread, tracer side",28} | {"worker held (watcher, max)",26} | {"whole process stopped",21} |");
            Console.WriteLine($"|{new string('-', 48)}|{new string('-', 15)}|{new string('-', 30)}|{new string('-', 28)}|{new string('-', 23)}|");
            foreach (var tool in tools)
            {
                var m = results[tool.Name];
                var stop = m[0].ThreadStops is null ? "not measurable" :
                    $"median {Us(Median(m.SelectMany(x => x.ThreadStops!).ToList()))}, max {Us(m.SelectMany(x => x.ThreadStops!).Max())}";
                Console.WriteLine($"| {tool.Name,-46} | {Ms(Median(m.Select(x => x.Wall).ToList())),13} | {stop,28} | {Ms(m.Max(x => x.WorkerHeld)),26} | {(m.Any(x => x.AllStopped) ? "yes" : "never seen"),21} |");
            }
            var diag = Median(results[tools[0].Name].Select(x => x.Wall).ToList());
            var eu = Median(results[tools[1].Name].Select(x => x.Wall).ToList());
            var gdb = Median(results[tools[2].Name].Select(x => x.Wall).ToList());
            Console.WriteLine($"wall: diag/eu-stack = {diag / eu:F2} (target <= 1.0), diag/gdb = {diag / gdb:F3}");
        }
        Console.WriteLine();
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- stack {runs}");
        return 0;
    }

    private sealed record Measurement(TimeSpan Wall, TimeSpan WorkerHeld, bool AllStopped, List<TimeSpan>? ThreadStops);

    private static Measurement Diag(int pid, bool sourceLines)
    {
        using var reader = new ThreadStackReader(new ThreadStackOptions { SourceLines = sourceLines });
        ProcessStacks? stacks = null;
        var (wall, held, all) = Watched(pid, () => stacks = reader.Read(pid));
        if (stacks!.Failure is { } failure) throw failure;
        return new Measurement(wall, held, all, stacks.Threads.Select(t => t.StopDuration).ToList());
    }

    private static Measurement Command(int pid, string file, params string[] args)
    {
        var (wall, held, all) = Watched(pid, () =>
        {
            var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (output.Result.Length == 0) throw new InvalidOperationException($"{file} printed nothing");
        });
        return new Measurement(wall, held, all, null);
    }

    /// <summary>Runs the read while a watcher polls the state of the worker and four other threads.</summary>
    private static (TimeSpan Wall, TimeSpan WorkerHeld, bool AllStopped) Watched(int pid, Action read)
    {
        var tids = Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).Order().ToList();
        var worker = tids.First(t => File.ReadAllText($"/proc/{pid}/task/{t}/comm").Trim() == "worker");
        var watched = new[] { worker }.Concat(tids.Where(t => t != worker).Where((_, i) => i % Math.Max(1, tids.Count / 4) == 0).Take(4)).ToArray();
        var done = false;
        var longest = TimeSpan.Zero;
        var allStopped = false;
        var watcher = new Thread(() =>
        {
            long heldSince = 0;
            while (!Volatile.Read(ref done))
            {
                var states = watched.Select(t => State(pid, t)).ToArray();
                var now = Stopwatch.GetTimestamp();
                if (states[0] == 't')
                {
                    if (heldSince == 0) heldSince = now;
                    var held = Stopwatch.GetElapsedTime(heldSince, now);
                    if (held > longest) longest = held;
                }
                else heldSince = 0;
                if (states.All(s => s == 't')) allStopped = true;
            }
        }) { IsBackground = true };
        watcher.Start();
        var clock = Stopwatch.StartNew();
        read();
        var wall = clock.Elapsed;
        Volatile.Write(ref done, true);
        watcher.Join();
        return (wall, longest, allStopped);
    }

    private static char State(int pid, int tid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '?';
        }
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Us(TimeSpan t) => t.TotalMicroseconds.ToString("0", CultureInfo.InvariantCulture) + " µs";
}
