using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.Threads.Kernel;

namespace Diag.Bench;

/// <summary>
/// What Get-ThreadCpu's syscall counting (TopSyscall, SyscallsPerSecond) costs each system call while a sample
/// runs: this thread's CPU time for N getrusage calls with the counting program attached, minus without, per call,
/// median of 7 runs; for a thread of a selected process (counted), of a process that is not selected (filtered
/// out in the kernel: what the rest of the machine pays during `Get-ThreadCpu -Id`), and with no selection
/// (`Get-ThreadCpu` of every process, where every thread is counted).
///   dotnet run -c Release --project bench/Diag.Bench -- threadcalls [CALLS]
/// </summary>
internal static class SyscallCountBenchmark
{
    private const int Runs = 7;

    public static int Run(string[] args)
    {
        int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300_000;
        var alone = Median(() => PerCall(calls));
        Console.WriteLine($"{calls} getrusage calls per run, median of {Runs}; getrusage alone: {alone:F0} ns of CPU");
        Report("counted (this process selected)", calls, alone, filter: true, selectThis: true);
        Report("not selected (another process selected)", calls, alone, filter: true, selectThis: false);
        Report("every process (no selection)", calls, alone, filter: false, selectThis: false);
        return 0;
    }

    private static void Report(string what, int calls, double alone, bool filter, bool selectThis)
    {
        using var counter = SyscallRateCounter.TryStart(filter, out var whyNot)
            ?? throw new InvalidOperationException("the counting program cannot start: " + whyNot);
        counter.AddProcess(selectThis ? Environment.ProcessId : 1);
        var traced = Median(() =>
        {
            var ns = PerCall(calls);
            counter.Take(); // as each sample does: the next interval starts from an empty map
            return ns;
        });
        Console.WriteLine($"{what,-45} {traced:F0} ns per call: +{traced - alone:F0} ns ({traced / alone:F2}x)");
    }

    /// <summary>This thread's CPU time per getrusage(RUSAGE_THREAD) call (the call that also measures it).</summary>
    private static unsafe double PerCall(int calls)
    {
        Libc.ResourceUsage usage;
        var before = CpuUsage.Thread();
        for (int i = 0; i < calls; i++) Libc.GetResourceUsage(Libc.RUSAGE_THREAD, &usage);
        return (CpuUsage.Thread() - before).TotalNanoseconds / calls;
    }

    private static double Median(Func<double> measure)
    {
        var runs = Enumerable.Range(0, Runs).Select(_ => measure()).Order().ToArray();
        return runs[Runs / 2];
    }
}
