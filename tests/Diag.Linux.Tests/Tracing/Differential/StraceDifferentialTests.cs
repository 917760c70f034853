using System.Globalization;
using Xunit.Abstractions;

namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>
/// Trace-Syscall -Event against strace -f on real commands (coreutils, tar, gzip, dd, getent, shell
/// pipelines, Python with sockets, threads, epoll, signals, prctl/ioctl and subprocesses): each command
/// traced by both, the calls aligned per thread and compared after normalising what legitimately differs
/// (escape style, flag order, pids, run-dependent values). The figures are printed; the bar is the
/// issue's: 95% of strace's calls equivalent, 99.5% of returns, every signal and exit present.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class StraceDifferentialTests
{
    private readonly ITestOutputHelper _output;

    public StraceDifferentialTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void EventsCarryWhatStraceShows()
    {
        var total = new DifferentialComparison();
        var work = Path.Combine(Path.GetTempPath(), "diag-differential-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var logs = Path.Combine(work, "strace");
        try
        {
            foreach (var command in DifferentialCommands.Load())
            {
                var full = DifferentialCommands.Prefix.Concat(command).ToList();
                var directory = Path.Combine(work, "run");
                Fresh(directory);
                Fresh(logs);
                var strace = TracedRuns.Strace(full, directory, Path.Combine(logs, "trace"));
                Fresh(directory);
                // DIAG_DIFFERENTIAL_BASELINE=1 compares strace with a second run of strace: how far two runs
                // of the same command differ whoever traces them (the README quotes it).
                var diag = Environment.GetEnvironmentVariable("DIAG_DIFFERENTIAL_BASELINE") == "1"
                    ? TracedRuns.Strace(full, directory, Path.Combine(logs, "baseline"))
                    : TracedRuns.Diag(full, directory);
                var comparison = DifferentialComparison.Compare(strace.WithoutLauncher(), diag.WithoutLauncher(), string.Join(' ', command));
                _output.WriteLine($"{string.Join(' ', command)}: {comparison.Summary()}");
                total.Add(comparison);
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }

        _output.WriteLine("");
        _output.WriteLine("total: " + total.Summary());
        _output.WriteLine("");
        _output.WriteLine(total.Report());
        if (Environment.GetEnvironmentVariable("DIAG_DIFFERENTIAL_REPORT") is { Length: > 0 } reportPath)
            File.WriteAllText(reportPath, "total: " + total.Summary() + "\n\n" + total.Report(examplesPerSyscall: 20));

        Assert.True(DifferentialComparison.Percent(total.EquivalentCalls, total.StraceCalls) >= 95.0, "equivalent calls: " + total.Summary());
        Assert.True(DifferentialComparison.Percent(total.EquivalentReturns, total.AlignedCalls) >= 99.5, "equivalent returns: " + total.Summary());
        Assert.Equal(total.StraceSignals, total.MatchedSignals + total.MergedSignals);
        Assert.Equal(total.StraceExits, total.MatchedExits);
    }

    private static void Fresh(string directory)
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
    }
}

/// <summary>The differential test runs alone: other tests' processes would load the machine it times nothing on,
/// but their ptrace stops would slow it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DifferentialCollection
{
    public const string Name = "strace differential";
}
