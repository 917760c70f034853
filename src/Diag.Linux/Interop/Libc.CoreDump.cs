using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Test-CoreDumpConfig: free space (statvfs), resource limits of another
// process (prlimit), and the memfd its -Verify probe runs from.
internal static unsafe partial class Libc
{
    public const ulong ST_RDONLY = 1;

    /// <summary><c>struct statvfs</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatVfs
    {
        public ulong BlockSize, FragmentSize, Blocks, BlocksFree, BlocksAvailable, Files, FilesFree, FilesAvailable, FsId, Flags, NameMax;
        private fixed int _spare[6];
    }

    [LibraryImport(Lib, EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatVfsCall(string path, StatVfs* buffer);

    public const int RLIMIT_FSIZE = 1, RLIMIT_CORE = 4;

    /// <summary>prlimit(2): reads (<paramref name="oldLimit"/>) and sets (<paramref name="newLimit"/>) a limit of another process.</summary>
    [LibraryImport(Lib, EntryPoint = "prlimit", SetLastError = true)]
    public static partial int PrLimit(int pid, int resource, ResourceLimit* newLimit, ResourceLimit* oldLimit);

    public const uint MFD_CLOEXEC = 1, MFD_EXEC = 0x10;

    [LibraryImport(Lib, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    /// <summary>The core-dumped bit of a waitpid status (WCOREDUMP): the kernel wrote the core (to a file or a handler).</summary>
    public static bool WCoreDump(int status) => (status & 0x80) != 0;
}
