using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// ptrace (Ptrace/, Tracing/, Stacks/): requests, options and events, the syscall info of a stop, the registers of a
// stopped thread. Every call is made from the thread that seized the tracee: ptrace binds a tracee to it.
internal static unsafe partial class Libc
{
    public const int PTRACE_PEEKDATA = 2, PTRACE_DETACH = 17, PTRACE_SYSCALL = 24,
        PTRACE_GETEVENTMSG = 0x4201, PTRACE_GETSIGINFO = 0x4202, PTRACE_SEIZE = 0x4206,
        PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208, PTRACE_GET_SYSCALL_INFO = 0x420e;

    public const int PTRACE_O_TRACESYSGOOD = 0x1, PTRACE_O_TRACEFORK = 0x2, PTRACE_O_TRACEVFORK = 0x4,
        PTRACE_O_TRACECLONE = 0x8, PTRACE_O_TRACEEXEC = 0x10, PTRACE_O_EXITKILL = 0x100000;

    public const int PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3,
        PTRACE_EVENT_EXEC = 4, PTRACE_EVENT_STOP = 128;

    public const byte PTRACE_SYSCALL_INFO_ENTRY = 1, PTRACE_SYSCALL_INFO_EXIT = 2;

    /// <summary>AUDIT_ARCH_X86_64: the <c>arch</c> of a 64-bit syscall in <see cref="PtraceSyscallInfo"/>.</summary>
    public const uint AUDIT_ARCH_X86_64 = 0xC000003E;

    /// <summary><c>struct ptrace_syscall_info</c> (linux/ptrace.h): what PTRACE_GET_SYSCALL_INFO returns.
    /// At an entry stop <see cref="Number"/> and <see cref="Arguments"/> are valid; at an exit stop the
    /// union holds rval (read through <see cref="ReturnValue"/>) and is_error.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PtraceSyscallInfo
    {
        public byte Op;
        private fixed byte _pad[3];
        public uint Arch;
        public ulong InstructionPointer;
        public ulong StackPointer;
        public ulong Number;                // entry.nr, or exit.rval
        public fixed ulong Arguments[6];    // entry.args; exit.is_error is the low byte of [0]
        private uint _seccompReturnData;
        private uint _tail;

        public readonly long ReturnValue => (long)Number;
    }

    /// <summary>glibc's ptrace is variadic; passing addr and data as pointer-sized integers matches it on x86_64.</summary>
    [LibraryImport(Lib, EntryPoint = "ptrace", SetLastError = true)]
    public static partial long Ptrace(long request, int pid, nint address, nint data);

    /// <summary>The PTRACE_EVENT_* of a ptrace-stop, 0 for syscall and signal stops.</summary>
    public static int PtraceEvent(int status) => (status >> 16) & 0xff;

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
}
