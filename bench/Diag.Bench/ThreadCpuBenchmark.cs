using Diag.Linux.Threads;

namespace Diag.Bench;

/// <summary>
/// One Get-ThreadCpu sample of a 1000-thread process against <c>top -H -b -n 2 -d 1 -p PID</c> (the same
/// one-second, two-reading measurement) and <c>ps -L</c>, as CPU time (user + system) each spends,
/// median of five runs each, in the same run.
/// </summary>
internal static class ThreadCpuBenchmark
{
    private const int Runs = 5;

    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 1000;
        using var target = BenchTarget.Start("threads", threads.ToString(), "0");
        int pid = target.Pid;
        int sampled = 0;
        for (int i = 0; i < 3; i++) sampled = SampleOnce(pid); // warm-up: JIT tiering is not what a sample costs
        Console.WriteLine($"target: diag-test-target threads {threads} 0, PID {pid}, {sampled} threads sampled; {Environment.ProcessorCount} CPUs; median of {Runs} runs");

        var diag = Median(() =>
        {
            var before = CpuUsage.Self();
            SampleOnce(pid);
            return CpuUsage.Self() - before;
        });
        var diagThread = Median(() =>
        {
            var before = CpuUsage.Thread();
            SampleOnce(pid);
            return CpuUsage.Thread() - before;
        });
        var steady = SteadyStateSample(pid);
        var topArgs = new[] { "-H", "-b", "-n", "2", "-d", "1", "-p", pid.ToString() };
        var top = Median(() => CpuUsage.OfCommand("top", topArgs));
        var psArgs = new[] { "-L", "-o", "pid,tid,pcpu,comm", "-p", pid.ToString() };
        var ps = Median(() => CpuUsage.OfCommand("ps", psArgs));

        Print("Diag ThreadCpuSampler, 1 s interval (in-process, getrusage RUSAGE_SELF)", diag, sampled);
        Print("  of which on the sampling thread (RUSAGE_THREAD)", diagThread, sampled);
        Print("Diag, each further sample of -Count 6 (files kept open; RUSAGE_SELF)", steady, sampled);
        Print("top " + string.Join(' ', topArgs), top, sampled);
        Print("ps " + string.Join(' ', psArgs), ps, sampled);
        Console.WriteLine($"ratio Diag/top = {diag / top:F2} (target <= 0.33)   ratio Diag/ps = {diag / ps:F2}   Diag per thread = {diag.TotalMicroseconds / sampled:F1} us (target < 20)");
        return 0;
    }

    private static int SampleOnce(int pid)
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { pid }));
        return sampler.Sample(TimeSpan.FromSeconds(1), 1).Single().Samples.Count;
    }

    /// <summary>With -Count above one the sampler keeps each thread's files open: the cost of samples 2..6.</summary>
    private static TimeSpan SteadyStateSample(int pid)
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { pid }));
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
