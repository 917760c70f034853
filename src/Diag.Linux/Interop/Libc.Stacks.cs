using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// What Get-ThreadStack adds to the tracer's ptrace calls (Libc.Ptrace.cs): the registers of a stopped
// thread, and a file's identity (statx) for the cache of parsed ELF files.
internal static unsafe partial class Libc
{
    public const int PTRACE_GETREGSET = 0x4204;

    /// <summary>The regset of PTRACE_GETREGSET holding the general registers (<c>struct user_regs_struct</c>).</summary>
    public const int NT_PRSTATUS = 1;

    /// <summary><c>struct user_regs_struct</c> of x86_64 (sys/user.h), 27 registers in this order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UserRegisters
    {
        public ulong R15, R14, R13, R12, Rbp, Rbx, R11, R10, R9, R8, Rax, Rcx, Rdx, Rsi, Rdi, OrigRax,
            Rip, Cs, Eflags, Rsp, Ss, FsBase, GsBase, Ds, Es, Fs, Gs;
    }

    public const int PRIO_PROCESS = 0;

    /// <summary>setpriority(2); with PRIO_PROCESS and a TID it sets one thread's nice value.</summary>
    [LibraryImport(Lib, EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport(Lib, EntryPoint = "free")]
    public static partial void Free(void* pointer);
}
