using System.Diagnostics;
using Diag.Linux.ProcFs;
using Diag.Linux.Threads;
using ThreadState = Diag.Linux.Threads.ThreadStates;

namespace Diag.Linux.Tests.Threads;

/// <summary>
/// Cases a live process cannot produce on this machine, on a fixture /proc tree: a kernel without
/// schedstat (the clock-tick fallback), and stat lines whose comm holds ')' and digits.
/// </summary>
public sealed class ProcFixtureTests : IDisposable
{
    private const int Pid = 4242, Worker = 4243, Idle = 4244;
    private const long BootTime = 1_700_000_000;
    private readonly string _root = Directory.CreateTempSubdirectory("diag-proc-fixture-").FullName;

    public ProcFixtureTests()
    {
        Write("proc/stat", $"cpu  1 2 3 4\nintr 0\nctxt 10\nbtime {BootTime}\nprocesses 5\n");
        Write($"proc/{Pid}/comm", "a) b (c\n");
        Write($"proc/{Pid}/cmdline", "srv\0--flag\0");
        WriteThread(Pid, "a) b (c", 'S', utime: 100, stime: 50, "202 0x7f 0x80 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n", "futex_wait_queue\n", nsPid: 1);
        WriteThread(Worker, "w) 1 2 (3", 'R', utime: 1000, stime: 10, "running\n", "0\n", nsPid: 7);
        WriteThread(Idle, "idle", 'S', utime: 0, stime: 0, "-1 0x7ffd 0x7f12\n", "0\n", nsPid: 8);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void WithoutSchedstatClockTicksAreUsedAndSaidSo()
    {
        var batch = ThreadSampling.SampleOnce(ThreadSelection.ForProcessIds(new[] { Pid }), 0.05, _root);

        Assert.Equal(3, batch.Samples.Count);
        var main = batch.Thread(Pid);
        Assert.Equal("ClockTicks", main.CpuTimeSource);
        Assert.Equal(TimeSpan.FromSeconds(1.5), main.CpuTime); // (100 + 50) ticks at USER_HZ 100
        Assert.Equal(0, main.CpuPercent); // nothing changed during the interval
        Assert.Equal("a) b (c", main.ThreadName);
        Assert.Equal("a) b (c", main.ProcessName);
        Assert.Equal(ThreadState.Sleeping, main.State);
        Assert.Equal("futex", main.CurrentSyscall);
        Assert.Equal(202, main.CurrentSyscallNumber);
        Assert.Equal("futex_wait_queue", main.WaitChannel);
        Assert.Equal((1, 1), (main.NamespaceProcessId, main.NamespaceThreadId));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(BootTime).AddMilliseconds(12_340).ToLocalTime(), main.StartTime);
        Assert.Equal((3, 25, 5), (main.Processor, main.Priority, main.Nice));

        var worker = batch.Thread(Worker);
        Assert.Equal("w) 1 2 (3", worker.ThreadName);
        Assert.Equal("a) b (c", worker.ProcessName);
        Assert.Equal(ThreadState.Running, worker.State);
        Assert.Equal("running", worker.CurrentSyscall);
        Assert.Null(worker.CurrentSyscallNumber);
        Assert.Null(worker.WaitChannel);
        Assert.Equal((1, 7), (worker.NamespaceProcessId, worker.NamespaceThreadId));

        var idle = batch.Thread(Idle);
        Assert.Equal("user", idle.CurrentSyscall);
        Assert.Equal(-1, idle.CurrentSyscallNumber);
        Assert.False(batch.SomeFieldsUnreadable);
    }

    [Fact]
    public void TickDeltasGiveUserSystemAndCpuPercent()
    {
        using var reader = new ThreadSnapshotReader(_root);
        var selection = ThreadSelection.ForProcessIds(new[] { Pid });
        var before = new ThreadSnapshot();
        var after = new ThreadSnapshot();
        reader.Read(selection, full: false, before, null, null);
        WriteThread(Worker, "w) 1 2 (3", 'R', utime: 1030, stime: 30, "running\n", "0\n", nsPid: 7); // +30 user, +20 system ticks
        reader.Read(selection, full: true, after, null, null);

        var baseline = before.Threads[Worker];
        var current = after.Threads[Worker] with { Timestamp = baseline.Timestamp + Stopwatch.Frequency }; // exactly 1 s later
        var sample = ThreadCpuSampleFactory.Create(current, baseline, before.StartTimestamp, "srv", reader.Clock, DateTime.Now);

        Assert.Equal(TimeSpan.FromSeconds(1), sample.Interval);
        Assert.Equal(30, sample.UserPercent, 6);
        Assert.Equal(20, sample.SystemPercent, 6);
        Assert.Equal(50, sample.CpuPercent, 6);
        Assert.Equal("ClockTicks", sample.CpuTimeSource);
        Assert.Equal(TimeSpan.FromSeconds(10.6), sample.CpuTime);
        Assert.Equal(3, sample.MinorFaults); // 14 -> 17 in the rewritten stat line
    }

    [Theory]
    [InlineData("1 (a) b (c) S 0 1 1 0 -1 4194304 10 0 2 0 5 6 0 0 20 0 1 0 99 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0", "a) b (c")]
    [InlineData("1 ()) R 0 1 1 0 -1 0 10 0 2 0 5 6 0 0 20 0 1 0 99 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0", ")")]
    [InlineData("1 (x) S 1 2 3) R 0 1 1 0 -1 0 10 0 2 0 5 6 0 0 20 0 1 0 99 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0", "x) S 1 2 3")]
    public void StatParsingCountsFieldsAfterTheLastParenthesis(string line, string name)
    {
        Assert.True(TaskStat.TryParse(System.Text.Encoding.UTF8.GetBytes(line + "\n"), out var stat, out var parsedName));
        Assert.Equal(name, System.Text.Encoding.UTF8.GetString(parsedName));
        Assert.Equal((10L, 2L, 5L, 6L, 20, 0, 99L, 1), (stat.MinorFaults, stat.MajorFaults, stat.UserTicks, stat.SystemTicks, stat.Priority, stat.Nice, stat.StartTicks, stat.Processor));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 (no closing parenthesis S 0")]
    [InlineData("1 (short) S 0 1 2")]
    public void MalformedStatLinesAreRejected(string line) =>
        Assert.False(TaskStat.TryParse(System.Text.Encoding.UTF8.GetBytes(line), out _, out _));

    private void WriteThread(int tid, string name, char state, long utime, long stime, string syscall, string wchan, int nsPid)
    {
        long minflt = 14 + (utime == 1030 ? 3 : 0);
        // Fields 1..52 of proc_pid_stat(5): priority 25, nice 5, starttime 1234 ticks, processor 3.
        Write($"proc/{Pid}/task/{tid}/stat",
            $"{tid} ({name}) {state} 1 {Pid} {Pid} 0 -1 4194560 {minflt} 0 0 0 {utime} {stime} 0 0 25 5 3 0 1234 1000 10 " +
            "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0\n");
        Write($"proc/{Pid}/task/{tid}/status",
            $"Name:\t{name}\nUmask:\t0022\nState:\t{state}\nTgid:\t{Pid}\nNgid:\t0\nPid:\t{tid}\nPPid:\t1\nTracerPid:\t0\n" +
            $"Uid:\t0\t0\t0\t0\nNStgid:\t{Pid}\t1\nNSpid:\t{tid}\t{nsPid}\nThreads:\t3\n" +
            "voluntary_ctxt_switches:\t40\nnonvoluntary_ctxt_switches:\t2\n");
        Write($"proc/{Pid}/task/{tid}/syscall", syscall);
        Write($"proc/{Pid}/task/{tid}/wchan", wchan);
    }

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
