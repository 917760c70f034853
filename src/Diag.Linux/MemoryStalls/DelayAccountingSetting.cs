using Diag.Linux.ProcFs;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Whether the kernel records per-task delays (delay accounting): kernel.task_delayacct since Linux 5.14, off by default
/// there; before it, on unless the kernel was booted with nodelayacct. Turning it on costs a timestamp pair around each
/// wait it measures, on every task.
/// </summary>
internal static class DelayAccountingSetting
{
    public const string Sysctl = "/proc/sys/kernel/task_delayacct";

    /// <summary>True when on, false when off, with the words for the verbose line either way.</summary>
    public static bool IsOn(string root, out string description)
    {
        var value = CgroupLocation.ReadText(CgroupLocation.Combine(root, Sysctl))?.Trim();
        if (value is not null)
        {
            description = value == "0"
                ? "delay accounting is off (kernel.task_delayacct = 0, the default since Linux 5.14): `sysctl -w kernel.task_delayacct=1` adds each thread's reclaim, thrashing, compaction and swap-in delays; it costs a clock read around each wait on every task"
                : "delay accounting is on (kernel.task_delayacct = 1)";
            return value != "0";
        }
        var cmdline = CgroupLocation.ReadText(CgroupLocation.Combine(root, "/proc/cmdline")) ?? "";
        if (cmdline.Split(' ', '\n').Contains("nodelayacct"))
        {
            description = "delay accounting is off (the kernel was booted with nodelayacct)";
            return false;
        }
        description = "delay accounting is on (a kernel before 5.14 without nodelayacct)";
        return true;
    }
}
