using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Memory: mappings (the clone trampoline's executable page, the eBPF ring buffer's shared pages), memfds (the core-dump probe runs from one), and
// another process's memory (process_vm_readv, for decoding a tracee's arguments and copying a stack).
internal static unsafe partial class Libc
{
    public const int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;

    /// <summary>mmap's failure value, (void *)-1.</summary>
    public static readonly nint MAP_FAILED = -1;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "mprotect", SetLastError = true)]
    public static partial int MProtect(void* address, nuint length, int protection);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    public const uint MFD_CLOEXEC = 1, MFD_EXEC = 0x10;

    [LibraryImport(Lib, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreateRaw(string name, uint flags);

    /// <summary>memfd_create(2) owned by the caller; invalid (and errno set) on failure.</summary>
    public static SafeFileDescriptor MemfdCreate(string name, uint flags) => new(MemfdCreateRaw(name, flags));

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport(Lib, EntryPoint = "process_vm_readv", SetLastError = true)]
    public static partial nint ProcessVmReadv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);
}
