using System.Diagnostics;
using Diag.Linux.ProcFs;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Threads;

/// <summary>Turns a thread's reading at the end of an interval and its reading at the start (if any)
/// into a <see cref="ThreadCpuSample"/>.</summary>
internal static class ThreadCpuSampleFactory
{
    /// <summary>Builds the sample. <paramref name="baseline"/> is null for a thread that started during the
    /// interval: its counters count from zero and its interval from the start of the previous pass.</summary>
    public static ThreadCpuSample Create(in ThreadReading current, in ThreadReading? baseline, long previousPassTimestamp,
        string processName, KernelClock clock, DateTime sampleTime, Kernel.SyscallCounts? counts = null)
    {
        long startTimestamp = baseline?.Timestamp ?? previousPassTimestamp;
        var interval = Stopwatch.GetElapsedTime(startTimestamp, current.Timestamp);
        double intervalSeconds = Math.Max(interval.TotalSeconds, 1e-9);
        bool hasBaseline = baseline.HasValue;
        var before = baseline.GetValueOrDefault();

        long userTicks = Delta(current.UserTime.Ticks, before.UserTime.Ticks);
        long systemTicks = Delta(current.SystemTime.Ticks, before.SystemTime.Ticks);
        double userPercent = userTicks / (double)TimeSpan.TicksPerSecond / intervalSeconds * 100;
        double systemPercent = systemTicks / (double)TimeSpan.TicksPerSecond / intervalSeconds * 100;

        bool precise = current.RunNanoseconds >= 0 && (!hasBaseline || before.RunNanoseconds >= 0);
        double cpuPercent;
        TimeSpan cpuTime;
        if (precise)
        {
            long runNs = Delta(current.RunNanoseconds, hasBaseline ? before.RunNanoseconds : 0);
            cpuPercent = runNs / 1e9 / intervalSeconds * 100;
            cpuTime = TimeSpan.FromTicks(current.RunNanoseconds / 100);
            (userPercent, systemPercent) = Split(cpuPercent, userTicks, systemTicks, current);
        }
        else
        {
            cpuPercent = userPercent + systemPercent;
            cpuTime = current.UserTime + current.SystemTime;
        }

        var (syscallName, syscallNumber) = DescribeSyscall(current);
        // Counted calls: none for a kernel thread (it makes no user system calls), and nothing when not counted.
        ThreadSyscallCountView calls = counts is null || current.IsKernelThread ? default : new(counts, current.ThreadId);
        return new ThreadCpuSample
        {
            ProcessId = current.ProcessId,
            ProcessName = processName,
            ThreadId = current.ThreadId,
            ThreadName = current.Name ?? "",
            CpuPercent = cpuPercent,
            UserPercent = userPercent,
            SystemPercent = systemPercent,
            CpuTime = cpuTime,
            CpuTimeSource = (precise ? current.Source : CpuTimeSource.ClockTicks).Name(),
            State = ThreadStates.FromLetter(current.State),
            StateCode = ThreadStates.Code(current.State),
            IsKernelThread = current.IsKernelThread,
            Processor = current.Processor,
            Priority = current.Priority,
            Nice = current.Nice,
            CurrentSyscall = syscallName,
            CurrentSyscallNumber = syscallNumber,
            TopSyscall = calls.Counted && calls.Count.Calls > 0 ? SyscallName(calls.Count.TopSyscall) : null,
            TopSyscallPerSecond = calls.Counted && calls.Count.Calls > 0 ? calls.Count.TopCalls / calls.Seconds : null,
            SyscallsPerSecond = calls.Counted ? calls.Count.Calls / calls.Seconds : null,
            WaitChannel = current.WaitChannel,
            VoluntaryContextSwitches = Delta(current.VoluntaryContextSwitches, before.VoluntaryContextSwitches),
            InvoluntaryContextSwitches = Delta(current.InvoluntaryContextSwitches, before.InvoluntaryContextSwitches),
            MinorFaults = Delta(current.MinorFaults, before.MinorFaults),
            MajorFaults = Delta(current.MajorFaults, before.MajorFaults),
            NamespaceProcessId = current.NamespaceProcessId > 0 ? current.NamespaceProcessId : current.ProcessId,
            NamespaceThreadId = current.NamespaceThreadId > 0 ? current.NamespaceThreadId : current.ThreadId,
            StartTime = clock.StartTime(current.StartTicks),
            SampleTime = sampleTime,
            Interval = interval,
        };
    }

    /// <summary>
    /// Splits the precise total in the ratio of the interval's user and system tick counts, so that the
    /// parts add up to the whole: the kernel only samples that split at scheduler ticks (a 30.7 + 4.0 split
    /// of a 34.8 total, or a user part above the total, came from mixing the two clocks). A thread that
    /// ran between ticks has no split for the interval: its lifetime ratio is used instead.
    /// </summary>
    private static (double User, double System) Split(double cpuPercent, long userTicks, long systemTicks, in ThreadReading current)
    {
        double user = userTicks, system = systemTicks;
        if (user + system <= 0)
        {
            user = current.UserTime.Ticks;
            system = current.SystemTime.Ticks;
        }
        if (user + system <= 0) return (cpuPercent, 0);
        double userPart = Math.Min(cpuPercent, cpuPercent * (user / (user + system)));
        return (userPart, Math.Max(0, cpuPercent - userPart));
    }

    /// <summary>Counters only grow; a smaller value can only come from a reused TID, which callers
    /// already treat as a new thread, so never report a negative delta.</summary>
    private static long Delta(long now, long before) => now >= before ? now - before : now;

    private static (string? Name, int? Number) DescribeSyscall(in ThreadReading reading)
    {
        if (reading.Syscall is not { } syscall) return (null, null);
        return syscall.Kind switch
        {
            TaskSyscallKind.Running => ("running", null),
            TaskSyscallKind.User => ("user", -1),
            _ => (SyscallName(syscall.Number), syscall.Number),
        };
    }

    /// <summary>One thread's counts and the seconds they cover; Counted false when calls were not counted.</summary>
    private readonly struct ThreadSyscallCountView
    {
        public ThreadSyscallCountView(Kernel.SyscallCounts counts, int threadId)
        {
            Counted = true;
            Count = counts.ByThread.GetValueOrDefault(threadId);
            Seconds = Math.Max(counts.Interval.TotalSeconds, 1e-9);
        }

        public bool Counted { get; }
        public Kernel.ThreadSyscallCount Count { get; }
        public double Seconds { get; }
    }

    private static string SyscallName(int number)
    {
        var names = SyscallNamesX86_64.ByNumber;
        return number >= 0 && number < names.Length && names[number] is { } name ? name : "syscall_" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
