namespace Diag.Linux.Interop;

/// <summary>
/// The x86_64 numbers of the system calls the engine names itself: calls glibc does not wrap (made through
/// <c>syscall()</c>), and calls the tracers and decoders treat specially. The one table of them; a test checks
/// each against the syscall table (Syscalls/SyscallNames.X86_64.cs).
/// </summary>
internal static class SyscallNumbers
{
    public const int Mmap = 9, Brk = 12, Mremap = 25, Shmat = 30, Execve = 59, Execveat = 322;

    public const int Bpf = 321, PidfdOpen = 434, PidfdGetfd = 438;
}
