using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>
/// libdw (elfutils; Debian/Ubuntu package libdw1, Fedora/RHEL elfutils-libs): source files and lines from
/// DWARF line tables, for Get-ThreadStack -SourceLine. Optional: callers check <see cref="IsAvailable"/>.
/// </summary>
internal static unsafe partial class LibDw
{
    private const string Lib = "libdw.so.1";

    private static readonly Lazy<nint> Handle = new(() => NativeLibrary.TryLoad(Lib, out var handle) ? handle : 0);

    public static bool IsAvailable => Handle.Value != 0;

    /// <summary>An exported function's address (libdw's own callbacks for Dwfl_Callbacks), 0 when missing.</summary>
    public static nint Export(string name) =>
        Handle.Value != 0 && NativeLibrary.TryGetExport(Handle.Value, name, out var address) ? address : 0;

    /// <summary><c>Dwfl_Callbacks</c>: find_elf, find_debuginfo, section_address, debuginfo_path.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DwflCallbacks
    {
        public nint FindElf, FindDebugInfo, SectionAddress;
        public nint DebugInfoPath;
    }

    [LibraryImport(Lib, EntryPoint = "dwfl_begin")]
    public static partial nint Begin(DwflCallbacks* callbacks);

    [LibraryImport(Lib, EntryPoint = "dwfl_end")]
    public static partial void End(nint dwfl);

    [LibraryImport(Lib, EntryPoint = "dwfl_report_begin")]
    public static partial void ReportBegin(nint dwfl);

    [LibraryImport(Lib, EntryPoint = "dwfl_report_elf", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ReportElf(nint dwfl, string name, string fileName, int fd, ulong bias, byte addProgramVirtualAddress);

    [LibraryImport(Lib, EntryPoint = "dwfl_report_end")]
    public static partial int ReportEnd(nint dwfl, nint removed, nint argument);

    [LibraryImport(Lib, EntryPoint = "dwfl_module_getsrc")]
    public static partial nint ModuleGetSource(nint module, ulong address);

    [LibraryImport(Lib, EntryPoint = "dwfl_lineinfo")]
    public static partial byte* LineInfo(nint line, ulong* address, int* lineNumber, int* column, ulong* modifyTime, ulong* length);
}
