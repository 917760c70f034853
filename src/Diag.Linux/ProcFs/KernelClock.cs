using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.ProcFs;

/// <summary>Turns /proc's clock-tick counts into times: ticks per second from
/// <c>sysconf(_SC_CLK_TCK)</c>, boot time from the <c>btime</c> line of <c>/proc/stat</c>.</summary>
internal sealed class KernelClock
{
    public KernelClock(long ticksPerSecond, long bootTimeUnixSeconds)
    {
        TicksPerSecond = ticksPerSecond > 0 ? ticksPerSecond : 100;
        BootTimeUnixSeconds = bootTimeUnixSeconds;
    }

    /// <summary>USER_HZ: 100 on every mainstream Linux build, so tick-based times have 10 ms resolution.</summary>
    public long TicksPerSecond { get; }

    public long BootTimeUnixSeconds { get; }

    public TimeSpan TicksToTime(long ticks) => TimeSpan.FromTicks(ticks * (TimeSpan.TicksPerSecond / TicksPerSecond));

    /// <summary>Local time of a process start given in ticks since boot (stat field 22). The threads of a process
    /// mostly start within the same tick, and the conversion to local time is not free: the last one is kept.</summary>
    public DateTime StartTime(long startTicks)
    {
        var last = _lastStart;
        if (last is not null && last.Ticks == startTicks) return last.Time;
        var time = DateTime.UnixEpoch.AddSeconds(BootTimeUnixSeconds).Add(TicksToTime(startTicks)).ToLocalTime();
        _lastStart = new StartTimeEntry(startTicks, time);
        return time;
    }

    private sealed record StartTimeEntry(long Ticks, DateTime Time);

    private StartTimeEntry? _lastStart;

    /// <summary>Reads btime from <c>{procRoot}/stat</c>; 0 when it cannot be read.</summary>
    public static KernelClock Read(ProcFileReader reader, string procRoot)
    {
        long ticks = Libc.SysConf(Libc._SC_CLK_TCK);
        long btime = 0;
        var path = Encoding.UTF8.GetBytes(Path.Combine(procRoot, "stat"));
        if (reader.Read(ProcFileReader.CurrentDirectory, path, out var content) == 0)
        {
            int at = content.IndexOf("\nbtime "u8);
            if (at >= 0) ProcNumber.Parse(content[(at + 7)..], out btime);
        }
        return new KernelClock(ticks, btime);
    }
}
