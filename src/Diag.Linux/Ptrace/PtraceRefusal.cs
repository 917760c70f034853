using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Ptrace;

/// <summary>
/// Turns a failed PTRACE_SEIZE (or a target that cannot be seized at all) into a <see cref="TargetException"/> that
/// names the target as a user knows it and says why and what to do. One place for Trace-Syscall, Get-ThreadStack and
/// every other ptrace user: the same target gets the same answer whichever cmdlet asked.
/// </summary>
internal static class PtraceRefusal
{
    /// <summary>Why PTRACE_SEIZE of <paramref name="tid"/> failed with <paramref name="errno"/>. <paramref name="action"/>
    /// is what the caller meant to do, for the message ("trace", "read the stack of").</summary>
    public static TargetException Diagnose(int tid, int errno, bool wholeProcess, string action = "trace")
    {
        var what = Describe(tid, wholeProcess);
        if (errno == Errno.ESRCH)
            return NotFound(tid, wholeProcess);
        if (errno != Errno.EPERM)
            return new TargetException(TargetFailureReason.Unsupported, tid,
                $"cannot {action} {what}: ptrace(PTRACE_SEIZE) failed with {Errno.GetName(errno)} ({Errno.GetDescription(errno)})",
                "check that the kernel allows ptrace here (seccomp, containers without CAP_SYS_PTRACE)") { Errno = errno, Target = what };

        var status = TaskStatusFile.TryRead(tid);
        if (status is null)
            return NotFound(tid, wholeProcess);
        if (status.Value.TracerPid > 0)
        {
            // TracerPid is the tracing thread; name its process, as the user knows it.
            var tracer = TaskStatusFile.TryRead(status.Value.TracerPid)?.ThreadGroupId ?? status.Value.TracerPid;
            return new TargetException(TargetFailureReason.AlreadyTraced, tid,
                $"{what} is already traced by {Number(tracer)} ({TaskStatusFile.ReadComm(tracer)})",
                "a thread can have only one tracer: end the other trace (quit gdb or strace, or detach it) and try again") { Errno = errno, Target = what };
        }
        if (status.Value.IsZombie)
            return Exited(tid, status.Value, wholeProcess);
        if (status.Value.IsKernelThread)
            return KernelThread(tid, wholeProcess, action);
        return new TargetException(TargetFailureReason.AccessDenied, tid,
            $"no permission to {action} {what} (ptrace: EPERM)", PermissionRemedy()) { Errno = errno, Target = what };
    }

    public static TargetException NotFound(int tid, bool wholeProcess) =>
        new(TargetFailureReason.NotFound, tid, $"{(wholeProcess ? "process " : "thread ") + Number(tid)} does not exist",
            wholeProcess ? "check the process id (Get-Process)" : "check the thread id (Get-ThreadCpu)")
        { Errno = Errno.ESRCH, Target = (wholeProcess ? "process " : "thread ") + Number(tid) };

    /// <summary>A PID given as a process that is a thread of another process.</summary>
    public static TargetException ThreadNotProcess(int tid, int processId, string threadParameterHint) =>
        new(TargetFailureReason.NotFound, tid, $"{Number(tid)} is a thread of process {Number(processId)}, not a process",
            $"give the thread with -ThreadId {Number(tid)}{threadParameterHint}, or the process with -Id {Number(processId)}")
        { Target = Describe(tid, wholeProcess: false) };

    /// <summary>
    /// A child of the host process cannot be traced from it: the kernel lets any thread of the real
    /// parent's process collect the ptrace stops of a child traced by a sibling thread, and .NET's
    /// child-process handling (System.Diagnostics.Process) calls waitpid on its children at every
    /// SIGCHLD, so it would take the tracer's stops and leave the child stopped.
    /// </summary>
    public static TargetException ChildOfHost(int pid, string? remedy = null) =>
        new(TargetFailureReason.Unsupported, pid,
            $"process {Number(pid)} is a child of this process ({TaskStatusFile.ReadComm(Environment.ProcessId)}), which cannot trace its own children: its child-process handling would take their trace stops",
            remedy ?? "launch the command under the trace instead (-FilePath), or start it so that this process is not its parent (from another shell, or through a shell that backgrounds it: sh -c 'command &')")
        { Target = Describe(pid, wholeProcess: true) };

    /// <summary>A zombie: PTRACE_SEIZE answers EPERM, which would wrongly read as a permission problem.</summary>
    public static TargetException Exited(int tid, TaskStatusFile status, bool wholeProcess)
    {
        var parent = status.ParentProcessId;
        return new TargetException(TargetFailureReason.Exited, tid,
            $"{Describe(tid, wholeProcess)} has exited and is waiting for its parent, process {Number(parent)} ({TaskStatusFile.ReadComm(parent)}), to collect its exit status (a zombie): it runs no more code",
            $"nothing is left to inspect; if it stays a zombie, its parent is not calling wait(): look at the parent (Get-ThreadStack -Id {Number(parent)}, Trace-Syscall -Id {Number(parent)} -Syscall wait4,waitid)")
        { Errno = Errno.EPERM, Target = Describe(tid, wholeProcess) };
    }

    public static TargetException KernelThread(int tid, bool wholeProcess, string action = "trace") =>
        new(TargetFailureReason.Unsupported, tid, $"{Describe(tid, wholeProcess)} is a kernel thread, which ptrace cannot {action}",
            "choose a user-space process or thread; a kernel thread's stack is in /proc/PID/stack (Get-ThreadStack -Kernel reads it for user threads)")
        { Target = Describe(tid, wholeProcess) };

    /// <summary>What to do about EPERM on this machine: the narrow remedy for the cause that holds (never a change
    /// that weakens the whole host, such as a capability on the dotnet binary or a lower Yama scope).</summary>
    public static string PermissionRemedy() => PermissionRemedy(PtraceStanding.Current());

    internal static string PermissionRemedy(PtraceStanding standing)
    {
        if (standing.IsRoot)
            return standing.RootRefusal();
        return standing.YamaScope switch
        {
            1 => "run as root (sudo pwsh), or start the program from this session (Trace-Syscall -FilePath): kernel.yama.ptrace_scope is 1, " +
                 "which lets a non-root user trace only its own descendants",
            2 => "run as root (sudo pwsh): kernel.yama.ptrace_scope is 2, which lets only CAP_SYS_PTRACE trace",
            3 => "ptrace is disabled on this machine until reboot (kernel.yama.ptrace_scope is 3)",
            _ => "run as root (sudo pwsh), or as the process's owner (another user's processes, and setuid or non-dumpable ones, need CAP_SYS_PTRACE)",
        };
    }

    /// <summary>The target as a user knows it: <c>process 1234 (nginx)</c>, <c>thread 5072 of process 5060 (vpnserver)</c>.</summary>
    public static string Describe(int tid, bool wholeProcess)
    {
        var status = TaskStatusFile.TryRead(tid);
        if (wholeProcess || status is null || status.Value.ThreadGroupId == tid)
            return (wholeProcess ? "process " : "thread ") + Number(tid) + NameOf(tid);
        return $"thread {Number(tid)} of process {Number(status.Value.ThreadGroupId)}{NameOf(status.Value.ThreadGroupId)}";
    }

    /// <summary>" (nginx)", or nothing for a process that does not exist (any more).</summary>
    private static string NameOf(int pid) => TaskStatusFile.ReadComm(pid) is var comm && comm != "?" ? $" ({comm})" : "";

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
