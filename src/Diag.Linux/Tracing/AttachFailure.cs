using Diag.Linux.ProcFs;
using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.Tracing;

/// <summary>Turns a failed PTRACE_SEIZE into a <see cref="TraceStartException"/> that says why and what to do.</summary>
internal static class AttachFailure
{
    public static TraceStartException Diagnose(int tid, int errno, bool wholeProcess)
    {
        var what = Describe(tid, wholeProcess);
        if (errno == Errno.ESRCH)
            return NotFound(tid, wholeProcess);
        if (errno != Errno.EPERM)
            return new TraceStartException(TraceFailureReason.Unsupported, tid,
                $"cannot trace {what}: ptrace(PTRACE_SEIZE) failed with {Errno.GetName(errno)} ({Errno.GetDescription(errno)})",
                "check that the kernel allows ptrace here (seccomp, containers without CAP_SYS_PTRACE)") { Errno = errno };

        var status = TaskStatusFile.TryRead(tid);
        if (status is null)
            return NotFound(tid, wholeProcess);
        if (status.Value.TracerPid > 0)
        {
            // TracerPid is the tracing thread; name its process, as the user knows it.
            var tracer = TaskStatusFile.TryRead(status.Value.TracerPid)?.ThreadGroupId ?? status.Value.TracerPid;
            return new TraceStartException(TraceFailureReason.AlreadyTraced, tid,
                $"{what} is already traced by {tracer.ToString(CultureInfo.InvariantCulture)} ({TaskStatusFile.ReadComm(tracer)})",
                "a thread can have only one tracer: end the other trace (quit gdb or strace, or detach it) and try again") { Errno = errno };
        }
        if (status.Value.IsZombie)
            return Exited(tid, status.Value, wholeProcess);
        if (status.Value.IsKernelThread)
            return KernelThread(tid, wholeProcess);
        return new TraceStartException(TraceFailureReason.AccessDenied, tid,
            $"no permission to trace {what} (ptrace: EPERM)", PermissionRemedy()) { Errno = errno };
    }

    public static TraceStartException NotFound(int tid, bool wholeProcess) =>
        new(TraceFailureReason.TargetNotFound, tid, $"{Describe(tid, wholeProcess)} does not exist",
            wholeProcess ? "check the process id (Get-Process)" : "check the thread id (Get-ThreadCpu)") { Errno = Errno.ESRCH };

    /// <summary>
    /// A child of the host process cannot be traced from it: the kernel lets any thread of the real
    /// parent's process collect the ptrace stops of a child traced by a sibling thread, and .NET's
    /// child-process handling (System.Diagnostics.Process) calls waitpid on its children at every
    /// SIGCHLD, so it would take the tracer's stops and leave the child stopped.
    /// </summary>
    public static TraceStartException ChildOfHost(int pid, string? remedy = null) =>
        new(TraceFailureReason.Unsupported, pid,
            $"process {pid.ToString(CultureInfo.InvariantCulture)} is a child of this process ({TaskStatusFile.ReadComm(Environment.ProcessId)}), which cannot trace its own children: its child-process handling would take their trace stops",
            remedy ?? "launch the command under the trace instead (-FilePath), or start it so that this process is not its parent (from another shell, or through a shell that backgrounds it: sh -c 'command &')");

    /// <summary>A zombie: PTRACE_SEIZE answers EPERM, which would wrongly read as a permission problem.</summary>
    public static TraceStartException Exited(int tid, TaskStatusFile status, bool wholeProcess)
    {
        var parent = status.ParentProcessId;
        return new TraceStartException(TraceFailureReason.TargetExited, tid,
            $"{Describe(tid, wholeProcess)} has exited and is waiting for its parent, process {parent.ToString(CultureInfo.InvariantCulture)} ({TaskStatusFile.ReadComm(parent)}), to collect its exit status (a zombie): it makes no more system calls",
            $"nothing is left to trace; if it stays a zombie, its parent is not calling wait(): look at the parent (Get-ThreadCpu -Id {parent.ToString(CultureInfo.InvariantCulture)}, Trace-Syscall -Id {parent.ToString(CultureInfo.InvariantCulture)} -Syscall wait4,waitid)")
        { Errno = Errno.EPERM };
    }

    public static TraceStartException KernelThread(int tid, bool wholeProcess) =>
        new(TraceFailureReason.Unsupported, tid, $"{Describe(tid, wholeProcess)} is a kernel thread, which ptrace cannot trace",
            "trace a user-space process or thread");

    /// <summary>What to do about EPERM on this machine: root or CAP_SYS_PTRACE, and the Yama setting when it is the obstacle.</summary>
    public static string PermissionRemedy() => PermissionRemedy(PtraceStanding.Current());

    internal static string PermissionRemedy(PtraceStanding standing)
    {
        if (standing.IsRoot)
            return standing.RootRefusal();
        var host = Environment.ProcessPath ?? "pwsh";
        var capability = $"run as root, or grant CAP_SYS_PTRACE (sudo setcap cap_sys_ptrace+ep {host})";
        return standing.YamaScope switch
        {
            1 => capability + ", or set kernel.yama.ptrace_scope to 0 (sudo sysctl kernel.yama.ptrace_scope=0): at 1 it only lets a process trace its own descendants",
            2 => capability + ": kernel.yama.ptrace_scope is 2, which lets only CAP_SYS_PTRACE trace",
            3 => "ptrace is disabled on this machine until reboot (kernel.yama.ptrace_scope is 3)",
            _ => capability,
        };
    }

    private static string Describe(int tid, bool wholeProcess) =>
        (wholeProcess ? "process " : "thread ") + tid.ToString(CultureInfo.InvariantCulture);
}
