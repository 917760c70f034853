namespace Diag.Linux.Syscalls;

/// <summary>x86_64 numbers of the syscalls the engine treats specially (checked against the table by a test).</summary>
internal static class SyscallNumbers
{
    public const int Mmap = 9, Brk = 12, Mremap = 25, Shmat = 30, Execve = 59, Execveat = 322;
}
