namespace Diag.Linux.ProcFs;

/// <summary>What <c>/proc/PID/task/TID/syscall</c> says the thread is doing at the instant it is read:
/// on a CPU (the kernel cannot tell then: "running"), off-CPU outside a system call ("-1 sp pc"), or
/// blocked in system call Number ("NR args... sp pc").</summary>
internal readonly record struct TaskSyscall(TaskSyscallKind Kind, int Number)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out TaskSyscall syscall)
    {
        content = ProcNumber.TrimEnd(content);
        if (content.SequenceEqual("running"u8)) { syscall = new(TaskSyscallKind.Running, -1); return true; }
        int used = ProcNumber.Parse(content, out long number);
        if (used == 0 || number < -1 || number > int.MaxValue) { syscall = default; return false; }
        syscall = number == -1 ? new(TaskSyscallKind.User, -1) : new(TaskSyscallKind.InSyscall, (int)number);
        return true;
    }
}

internal enum TaskSyscallKind : byte { Running, User, InSyscall }
