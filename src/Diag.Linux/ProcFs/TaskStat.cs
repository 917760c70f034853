namespace Diag.Linux.ProcFs;

/// <summary>The fields of <c>/proc/PID/task/TID/stat</c> (proc_pid_stat(5)) the thread sampler uses.
/// Times are in clock ticks (<c>sysconf(_SC_CLK_TCK)</c>).</summary>
internal readonly record struct TaskStat(
    byte State,
    long MinorFaults,
    long MajorFaults,
    long UserTicks,
    long SystemTicks,
    int Priority,
    int Nice,
    long StartTicks,
    int Processor,
    uint Flags)
{
    /// <summary>PF_KTHREAD (include/linux/sched.h): the task is a kernel thread.</summary>
    public const uint KernelThreadFlag = 0x00200000;

    /// <summary>A kernel thread (kworker, ksoftirqd...): no user space, no user system calls.</summary>
    public bool IsKernelThread => (Flags & KernelThreadFlag) != 0;

    /// <summary>
    /// Parses a stat line. The name (field 2) is everything between the first '(' and the LAST ')':
    /// a thread may name itself "a) b (c", so the numeric fields are counted only after the last ')'.
    /// Returns false for a line that does not have the expected shape.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out TaskStat stat, out ReadOnlySpan<byte> name)
    {
        stat = default;
        name = default;
        int open = line.IndexOf((byte)'(');
        int close = line.LastIndexOf((byte)')');
        if (open < 0 || close < open || close + 2 >= line.Length) return false;
        name = line[(open + 1)..close];

        // Field 3 (state) starts two bytes after ')'. Fields are numbered as in proc_pid_stat(5).
        var rest = line[(close + 2)..];
        byte state = rest[0];
        long flags = 0, minflt = 0, majflt = 0, utime = 0, stime = 0, priority = 0, nice = 0, start = 0, processor = -1;
        int field = 3;
        int i = 1;
        while (i < rest.Length && field < 39)
        {
            if (rest[i] != (byte)' ') return false;
            i++;
            field++;
            int used = ProcNumber.Parse(rest[i..], out long value);
            if (used == 0) return false;
            i += used;
            switch (field)
            {
                case 9: flags = value; break;
                case 10: minflt = value; break;
                case 12: majflt = value; break;
                case 14: utime = value; break;
                case 15: stime = value; break;
                case 18: priority = value; break;
                case 19: nice = value; break;
                case 22: start = value; break;
                case 39: processor = value; break;
            }
        }
        if (field < 22) return false; // processor (39) exists since Linux 2.2.8; starttime is the least we need
        stat = new TaskStat(state, minflt, majflt, utime, stime, (int)priority, (int)nice, start, (int)processor, (uint)flags);
        return true;
    }
}
