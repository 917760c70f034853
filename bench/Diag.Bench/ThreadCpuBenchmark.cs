using Diag.Linux.Threads;

namespace Diag.Bench;

/// <summary>
/// One Get-ThreadCpu sample of a 1000-thread process against <c>top -H -b -n 2 -d 1 -p PID</c> (the same
/// one-second, two-reading measurement) and <c>ps -L</c>, as CPU time (user + system) each spends,
/// median of five runs each, in the same run. Diag is measured on each of its paths: the BPF task iterator (root,
/// with each thread's system calls counted as Get-ThreadCpu counts them), taskstats (root without BPF)
/// and the /proc files it falls back to without CAP_NET_ADMIN.
/// </summary>
internal static class ThreadCpuBenchmark
{
    private const int Runs = 5;

    public static int Run(string[] args)
    {
        bool procOnly = args.Contains("--proc");
        var numbers = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        int threads = numbers.Length > 0 ? int.Parse(numbers[0]) : 1000;
        using var target = BenchTarget.Start("threads", threads.ToString(), "0");
        int pid = target.Pid;
        var paths = procOnly ? new[] { ThreadSources.Proc } : new[] { ThreadSources.TaskIterator, ThreadSources.Taskstats, ThreadSources.Proc };
        int sampled = 0;
        foreach (var path in paths)
            for (int i = 0; i < 3; i++) sampled = SampleOnce(pid, path); // warm-up: JIT tiering is not what a sample costs
        using (var probe = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { pid }), "/", ThreadSources.TaskIterator))
            Console.WriteLine($"target: diag-test-target threads {threads} 0, PID {pid}, {sampled} threads sampled; {Environment.ProcessorCount} CPUs; " +
                              $"median of {Runs} runs; task iterator {(probe.UsesTaskIterator ? "available" : "NOT available (not root?)")}, " +
                              $"syscall counting {(probe.CountsSyscalls ? "on" : "off")}");

        var results = new List<(string What, TimeSpan Cpu)>();
        foreach (var path in paths)
        {
            string name = path switch { ThreadSources.TaskIterator => "task iterator", ThreadSources.Taskstats => "taskstats", _ => "/proc" };
            results.Add(($"Diag ThreadCpuSampler [{name}], 1 s interval (in-process, getrusage RUSAGE_SELF)",
                Median(() => Measure(CpuUsage.Self, () => SampleOnce(pid, path)))));
            results.Add(($"  of which on the sampling thread (RUSAGE_THREAD)",
                Median(() => Measure(CpuUsage.Thread, () => SampleOnce(pid, path)))));
            results.Add(($"Diag [{name}], each further sample of -Count 6 (files kept open; RUSAGE_SELF)", SteadyStateSample(pid, path)));
        }
        var topArgs = new[] { "-H", "-b", "-n", "2", "-d", "1", "-p", pid.ToString() };
        var top = Median(() => CpuUsage.OfCommand("top", topArgs));
        var psArgs = new[] { "-L", "-o", "pid,tid,pcpu,comm", "-p", pid.ToString() };
        var ps = Median(() => CpuUsage.OfCommand("ps", psArgs));
        results.Add(("top " + string.Join(' ', topArgs), top));
        results.Add(("ps " + string.Join(' ', psArgs), ps));

        foreach (var (what, cpu) in results) Print(what, cpu, sampled);
        foreach (var (what, cpu) in results.Where(r => r.What.StartsWith("Diag", StringComparison.Ordinal)))
        {
            string name = what[..(what.IndexOf(']') + 1)];
            Console.WriteLine($"{name}: ratio Diag/top = {cpu / top:F2} (target <= 0.33)   ratio Diag/ps = {cpu / ps:F2}   " +
                              $"Diag per thread = {cpu.TotalMicroseconds / sampled:F1} us (target < 20)");
        }
        return 0;
    }

    private static TimeSpan Measure(Func<TimeSpan> clock, Action action)
    {
        var before = clock();
        action();
        return clock() - before;
    }

    private static int SampleOnce(int pid, ThreadSources sources)
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { pid }), "/", sources);
        return sampler.Sample(TimeSpan.FromSeconds(1), 1).Single().Samples.Count;
    }

    /// <summary>With -Count above one the sampler keeps each thread's files open: the cost of samples 2..6.</summary>
    private static TimeSpan SteadyStateSample(int pid, ThreadSources sources)
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { pid }), "/", sources);
        var costs = new List<TimeSpan>();
        var before = CpuUsage.Self();
        foreach (var batch in sampler.Sample(TimeSpan.FromSeconds(1), 6))
        {
            var after = CpuUsage.Self();
            if (batch.SampleNumber > 1) costs.Add(after - before);
            before = after;
        }
        costs.Sort();
        return costs[costs.Count / 2];
    }

    private static TimeSpan Median(Func<TimeSpan> measure)
    {
        var runs = Enumerable.Range(0, Runs).Select(_ => measure()).OrderBy(t => t).ToArray();
        return runs[Runs / 2];
    }

    private static void Print(string what, TimeSpan cpu, int threads) =>
        Console.WriteLine($"{cpu.TotalMilliseconds,8:F2} ms CPU  {cpu.TotalMicroseconds / threads,7:F1} us/thread  {what}");
}
