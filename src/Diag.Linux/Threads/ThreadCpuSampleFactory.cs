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
        string processName, KernelClock clock, DateTime sampleTime)
    {
        long startTimestamp = baseline?.Timestamp ?? previousPassTimestamp;
        var interval = Stopwatch.GetElapsedTime(startTimestamp, current.Timestamp);
        double intervalSeconds = Math.Max(interval.TotalSeconds, 1e-9);
        var stat = current.Stat;
        var before = baseline?.Stat ?? default;
        var beforeStatus = baseline?.Status ?? default;

        double tickSeconds = 1.0 / clock.TicksPerSecond;
        double userPercent = Delta(stat.UserTicks, before.UserTicks) * tickSeconds / intervalSeconds * 100;
        double systemPercent = Delta(stat.SystemTicks, before.SystemTicks) * tickSeconds / intervalSeconds * 100;

        bool precise = current.RunNanoseconds >= 0 && (baseline is null || baseline.Value.RunNanoseconds >= 0);
        double cpuPercent;
        TimeSpan cpuTime;
        if (precise)
        {
            long runNs = Delta(current.RunNanoseconds, baseline?.RunNanoseconds ?? 0);
            cpuPercent = runNs / 1e9 / intervalSeconds * 100;
            cpuTime = TimeSpan.FromTicks(current.RunNanoseconds / 100);
        }
        else
        {
            cpuPercent = userPercent + systemPercent;
            cpuTime = clock.TicksToTime(stat.UserTicks + stat.SystemTicks);
        }

        var (syscallName, syscallNumber) = DescribeSyscall(current);
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
            CpuTimeSource = precise ? CpuTimeSource.Schedstat : CpuTimeSource.ClockTicks,
            State = StateOf(stat.State),
            Processor = stat.Processor,
            Priority = stat.Priority,
            Nice = stat.Nice,
            CurrentSyscall = syscallName,
            CurrentSyscallNumber = syscallNumber,
            WaitChannel = current.WaitChannel,
            VoluntaryContextSwitches = Delta(current.Status.VoluntaryContextSwitches, beforeStatus.VoluntaryContextSwitches),
            InvoluntaryContextSwitches = Delta(current.Status.InvoluntaryContextSwitches, beforeStatus.InvoluntaryContextSwitches),
            MinorFaults = Delta(stat.MinorFaults, before.MinorFaults),
            MajorFaults = Delta(stat.MajorFaults, before.MajorFaults),
            NamespaceProcessId = current.Status.NamespaceThreadGroupId > 0 ? current.Status.NamespaceThreadGroupId : current.ProcessId,
            NamespaceThreadId = current.Status.NamespaceThreadId > 0 ? current.Status.NamespaceThreadId : current.ThreadId,
            StartTime = clock.StartTime(stat.StartTicks),
            SampleTime = sampleTime,
            Interval = interval,
        };
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

    private static string SyscallName(int number)
    {
        var names = SyscallNamesX86_64.ByNumber;
        return number >= 0 && number < names.Length && names[number] is { } name ? name : "syscall_" + number;
    }

    private static ThreadState StateOf(byte letter) =>
        Enum.IsDefined(typeof(ThreadState), (int)letter) ? (ThreadState)letter : ThreadState.Unknown;
}
