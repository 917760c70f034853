using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// Where the thread task iterator finds what /proc/PID/task/TID/{stat,status,schedstat,syscall,wchan} would
/// print, in the running kernel's <c>struct task_struct</c> (from its BTF, so the program is assembled for this
/// kernel). A record of numbers, so that the program's reviewed listing can be produced for fixed offsets too.
/// </summary>
internal sealed record TaskLayout
{
    public required short Pid { get; init; }
    public required short Tgid { get; init; }
    /// <summary><c>__state</c> (Linux 5.14+) or <c>state</c> before it.</summary>
    public required short State { get; init; }
    public required short ExitState { get; init; }
    public required short Flags { get; init; }
    /// <summary><c>thread_info.cpu</c> (x86_64 with THREAD_INFO_IN_TASK) or <c>cpu</c>: task_cpu().</summary>
    public required short Cpu { get; init; }
    public required short OnRunQueue { get; init; }
    public required short Prio { get; init; }
    public required short StaticPrio { get; init; }
    public required short UserTime { get; init; }
    public required short SystemTime { get; init; }
    /// <summary><c>se.sum_exec_runtime</c>: what schedstat's first field and taskstats' run time report.</summary>
    public required short RunTime { get; init; }
    public required short VoluntarySwitches { get; init; }
    public required short InvoluntarySwitches { get; init; }
    public required short MinorFaults { get; init; }
    public required short MajorFaults { get; init; }
    /// <summary><c>start_boottime</c>: stat's start time (in clock ticks there).</summary>
    public required short StartBootTime { get; init; }
    public required short Comm { get; init; }
    public required short ThreadPid { get; init; }
    public required short GroupLeader { get; init; }
    /// <summary><c>struct pid</c>: its namespace level and its numbers[] (one <c>struct upid</c> per level).</summary>
    public required short PidLevel { get; init; }
    public required short PidNumbers { get; init; }
    public required short UpidSize { get; init; }
    public required short UpidNr { get; init; }
    /// <summary><c>struct pt_regs</c>: orig_ax, the system call number kept through the call.</summary>
    public required short OrigAx { get; init; }

    /// <summary>The running kernel's layout; throws <see cref="KernelLayoutException"/> naming what it lacks.</summary>
    public static TaskLayout Running()
    {
        var btf = BtfLayout.Running();
        return new TaskLayout
        {
            Pid = btf.Offset("task_struct", "pid"),
            Tgid = btf.Offset("task_struct", "tgid"),
            State = btf.Types.TryField("task_struct", "__state", out _) is not null ? btf.Offset("task_struct", "__state") : btf.Offset("task_struct", "state"),
            ExitState = btf.Offset("task_struct", "exit_state"),
            Flags = btf.Offset("task_struct", "flags"),
            Cpu = btf.Types.TryField("task_struct", "thread_info.cpu", out _) is not null ? btf.Offset("task_struct", "thread_info.cpu") : btf.Offset("task_struct", "cpu"),
            OnRunQueue = btf.Offset("task_struct", "on_rq"),
            Prio = btf.Offset("task_struct", "prio"),
            StaticPrio = btf.Offset("task_struct", "static_prio"),
            UserTime = btf.Offset("task_struct", "utime"),
            SystemTime = btf.Offset("task_struct", "stime"),
            RunTime = btf.Offset("task_struct", "se.sum_exec_runtime"),
            VoluntarySwitches = btf.Offset("task_struct", "nvcsw"),
            InvoluntarySwitches = btf.Offset("task_struct", "nivcsw"),
            MinorFaults = btf.Offset("task_struct", "min_flt"),
            MajorFaults = btf.Offset("task_struct", "maj_flt"),
            StartBootTime = btf.Offset("task_struct", "start_boottime"),
            Comm = btf.Offset("task_struct", "comm"),
            ThreadPid = btf.Offset("task_struct", "thread_pid"),
            GroupLeader = btf.Offset("task_struct", "group_leader"),
            PidLevel = btf.Offset("pid", "level"),
            PidNumbers = btf.Offset("pid", "numbers"),
            UpidSize = (short)btf.SizeOf("upid"),
            UpidNr = btf.Offset("upid", "nr"),
            OrigAx = btf.Offset("pt_regs", "orig_ax"),
        };
    }
}
