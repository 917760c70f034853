using System.Diagnostics;
using Diag.Linux.Pipes;

namespace Diag.Bench;

/// <summary>
/// Get-PipePeer's engine against lsof on a machine with PROCESSES extra processes of FDS descriptors each
/// (diag-test-target pipe-farm: a long shell-like pipeline whose members also hold pipes, socketpairs and
/// /dev/null), in one run, median of five runs each:
/// <list type="bullet">
/// <item>the peers of one pipe (fd 1 of the pipeline's first process): PipePeerFinder for that descriptor, and
/// for its inode (-Inode), against <c>lsof -n -P</c> whose output is then filtered by the inode (what
/// <c>lsof | awk '$8 == INODE'</c> does; lsof cannot select by inode itself);</item>
/// <item>every pipe and Unix socket (-All) against the same whole-system <c>lsof -n -P</c>.</item>
/// </list>
/// Wall-clock time is what a person waits; CPU time (user + system) is what the machine pays.
/// </summary>
internal static class PipePeerBenchmark
{
    private const int Runs = 5;

    public static int Run(string[] args)
    {
        int processes = args.Length > 0 ? int.Parse(args[0]) : 300;
        int fds = args.Length > 1 ? int.Parse(args[1]) : 50;
        using var farm = BenchTarget.Start("pipe-farm", processes.ToString(), fds.ToString());
        int first = farm.Processes["first"], second = farm.Processes["second"];
        long inode = long.Parse(new FileInfo($"/proc/{first}/fd/1").LinkTarget!["pipe:[".Length..^1]);
        var onePipe = PipeSelection.ForProcessIds([first]).WithFileDescriptors([1]);
        var byInode = PipeSelection.ForInodes([inode]);
        var all = PipeSelection.All();

        foreach (bool kernel in new[] { true, false })
            for (int i = 0; i < 3; i++) { Find(onePipe, kernel); Find(byInode, kernel); Find(all, kernel); } // JIT tiering is not what a scan costs
        var peer = Assert(Find(onePipe, true).Endpoints.Single().Peers.Single(), p => p.ProcessId == second && p.FileDescriptor == 0, "the first process's fd 1 feeds the second's fd 0");
        int endpoints = Find(all, true).Endpoints.Count;
        Assert(Find(all, false).Endpoints.Count, n => Math.Abs(n - endpoints) < endpoints / 100 + 10, "both paths find the same endpoints");
        var (lsofLines, lsofMatches) = Lsof(inode);
        using (var probe = new PipePeerFinder())
            Console.WriteLine($"machine: {Directory.GetDirectories("/proc").Count(d => char.IsDigit(Path.GetFileName(d)[0]))} processes " +
                              $"({processes} of {fds} descriptors from pipe-farm), {Environment.ProcessorCount} CPUs; median of {Runs} runs; " +
                              $"task_file iterator {(probe.UsesDescriptorIterator ? "available" : "NOT available (not root?)")}");
        Console.WriteLine($"one pipe: inode {inode}, peer {peer}; lsof lines with that inode: {lsofMatches}; -All: {endpoints} endpoints, lsof: {lsofLines} lines");

        var lsof = Median(() => MeasureLsof(inode));
        Print("lsof -n -P (then filtered by the inode)", lsof);
        foreach (bool kernel in new[] { true, false })
        {
            string path = kernel ? "task_file iterator" : "/proc readlink";
            var diagOne = Median(() => MeasureInProcess(() => Find(onePipe, kernel)));
            var diagInode = Median(() => MeasureInProcess(() => Find(byInode, kernel)));
            var diagAll = Median(() => MeasureInProcess(() => Find(all, kernel)));
            Print($"Diag [{path}]: peers of one descriptor (-Id PID -FileDescriptor 1)", diagOne);
            Print($"Diag [{path}]: every holder of one inode (-Inode)", diagInode);
            Print($"Diag [{path}]: every pipe, FIFO and Unix socket (-All)", diagAll);
            Console.WriteLine($"  [{path}] one pipe:  lsof/Diag wall {lsof.Wall / diagOne.Wall:F1}x (target >= 10), CPU {lsof.Cpu / diagOne.Cpu:F1}x; " +
                              $"by inode: wall {lsof.Wall / diagInode.Wall:F1}x, CPU {lsof.Cpu / diagInode.Cpu:F1}x");
            Console.WriteLine($"  [{path}] -All:      lsof/Diag wall {lsof.Wall / diagAll.Wall:F1}x (target >= 5), CPU {lsof.Cpu / diagAll.Cpu:F1}x");
        }
        return 0;
    }

    private static PipeScanResult Find(PipeSelection selection, bool kernel)
    {
        using var finder = new PipePeerFinder("/", kernel);
        return finder.Find(selection);
    }

    private static T Assert<T>(T value, Func<T, bool> check, string what) =>
        check(value) ? value : throw new InvalidOperationException("benchmark setup is wrong: " + what);

    private readonly record struct Cost(TimeSpan Wall, TimeSpan Cpu);

    private static Cost MeasureInProcess(Action action)
    {
        var cpu = CpuUsage.Self();
        var watch = Stopwatch.StartNew();
        action();
        return new Cost(watch.Elapsed, CpuUsage.Self() - cpu);
    }

    /// <summary>Wall time and CPU time (reaped child's) of lsof -n -P, reading its output as awk would.</summary>
    private static Cost MeasureLsof(long inode)
    {
        var cpu = CpuUsage.Children();
        var watch = Stopwatch.StartNew();
        Lsof(inode);
        return new Cost(watch.Elapsed, CpuUsage.Children() - cpu);
    }

    /// <summary>Runs lsof -n -P; its line count and the lines whose NODE column (the 8th) is the inode.</summary>
    private static (int Lines, int Matches) Lsof(long inode)
    {
        var info = new ProcessStartInfo("lsof") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add("-P");
        using var lsof = Process.Start(info) ?? throw new InvalidOperationException("lsof did not start (apt-get install lsof)");
        var errors = lsof.StandardError.ReadToEndAsync();
        string node = inode.ToString();
        int lines = 0, matches = 0;
        string? line;
        while ((line = lsof.StandardOutput.ReadLine()) is not null)
        {
            lines++;
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length > 7 && columns[7] == node) matches++;
        }
        lsof.WaitForExit();
        errors.Wait();
        return (lines, matches);
    }

    private static Cost Median(Func<Cost> measure)
    {
        var costs = Enumerable.Range(0, Runs).Select(_ => measure()).ToList();
        return new Cost(costs.Select(c => c.Wall).Order().ElementAt(Runs / 2), costs.Select(c => c.Cpu).Order().ElementAt(Runs / 2));
    }

    private static void Print(string what, Cost cost) =>
        Console.WriteLine($"{what,-84} wall {cost.Wall.TotalMilliseconds,9:F1} ms   CPU {cost.Cpu.TotalMilliseconds,9:F1} ms");
}
