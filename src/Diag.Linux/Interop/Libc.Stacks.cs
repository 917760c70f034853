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

    public const int AT_EMPTY_PATH = 0x1000;
    public const uint STATX_BASIC_STATS = 0x7ff;

    /// <summary>The leading part of <c>struct statx</c> (linux/stat.h, 256 bytes in all).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask, BlockSize;
        public ulong Attributes;
        public uint Links, Uid, Gid;
        public ushort Mode, Spare0;
        public ulong Inode, Size, Blocks, AttributesMask;
        public long AccessSeconds; public uint AccessNanoseconds; private int _pad0;
        public long BirthSeconds; public uint BirthNanoseconds; private int _pad1;
        public long ChangeSeconds; public uint ChangeNanoseconds; private int _pad2;
        public long ModifySeconds; public uint ModifyNanoseconds; private int _pad3;
        public uint RdevMajor, RdevMinor, DevMajor, DevMinor;
    }

    /// <summary>statx(2); with <see cref="AT_EMPTY_PATH"/> and an empty path it describes an open fd.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxCall(int dirFd, string path, int flags, uint mask, Statx* buffer);

    public const int PRIO_PROCESS = 0;

    /// <summary>setpriority(2); with PRIO_PROCESS and a TID it sets one thread's nice value.</summary>
    [LibraryImport(Lib, EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport(Lib, EntryPoint = "free")]
    public static partial void Free(void* pointer);
}
