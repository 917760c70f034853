using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Process control for the syscall tracer: signals and their dispositions, the eventfd that wakes its thread, executable
// memory for the clone trampoline (CloneTrampoline.X86_64.cs), and access(2) for the PATH search.
internal static unsafe partial class Libc
{
    public const int EFD_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    public const int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "mprotect", SetLastError = true)]
    public static partial int MProtect(void* address, nuint length, int protection);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    public const int SIGCHLD = 17;
    public const int SA_NOCLDSTOP = 1;

    /// <summary>glibc's <c>struct sigaction</c> on x86_64/aarch64: handler, 1024-bit mask, flags, restorer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SigAction
    {
        public nint Handler;
        public fixed ulong Mask[16];
        public int Flags;
        private int _pad;
        public nint Restorer;
    }

    [LibraryImport(Lib, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int SigActionCall(int signal, SigAction* action, SigAction* oldAction);

    public const int X_OK = 1;

    [LibraryImport(Lib, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);
}
