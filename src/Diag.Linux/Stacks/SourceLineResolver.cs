using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Stacks;

/// <summary>
/// Source file and line of a code address, from the DWARF line table of the module or of its separate
/// debug file (found by build ID under /usr/lib/debug), through libdw. One libdw session per module image,
/// kept as long as the image is cached: the line table is read once. Costly the first time (a large
/// line table is decompressed and indexed), hence only on request (-SourceLine).
/// </summary>
internal sealed unsafe class SourceLineResolver
{
    private static readonly object Gate = new();
    private static readonly ConditionalWeakTable<ModuleImage, Session> Sessions = new();
    private static DwflCallbacksHolder? s_callbacks;

    /// <summary>False when libdw is not installed.</summary>
    public static bool IsAvailable => LibDw.IsAvailable;

    public static bool TryResolve(ModuleImage image, string filePath, ulong linkAddress, out string file, out int line)
    {
        file = "";
        line = 0;
        if (!IsAvailable) return false;
        lock (Gate)
        {
            if (!Sessions.TryGetValue(image, out var session))
            {
                session = Session.Open(filePath, Callbacks());
                Sessions.Add(image, session);
            }
            return session.TryResolve(linkAddress, out file, out line);
        }
    }

    private static LibDw.DwflCallbacks* Callbacks()
    {
        s_callbacks ??= new DwflCallbacksHolder();
        return s_callbacks.Pointer;
    }

    /// <summary>The callbacks struct libdw keeps a pointer to for each session's whole life: allocated once, never freed.</summary>
    private sealed class DwflCallbacksHolder
    {
        public readonly LibDw.DwflCallbacks* Pointer;

        public DwflCallbacksHolder()
        {
            Pointer = (LibDw.DwflCallbacks*)NativeMemory.AllocZeroed((nuint)sizeof(LibDw.DwflCallbacks));
            Pointer->FindElf = LibDw.Export("dwfl_build_id_find_elf");
            Pointer->FindDebugInfo = LibDw.Export("dwfl_standard_find_debuginfo");
            Pointer->SectionAddress = LibDw.Export("dwfl_offline_section_address");
        }
    }

    private sealed class Session
    {
        private readonly nint _dwfl;
        private readonly nint _module;

        private Session(nint dwfl, nint module)
        {
            _dwfl = dwfl;
            _module = module;
        }

        ~Session()
        {
            if (_dwfl != 0) LibDw.End(_dwfl);
        }

        public static Session Open(string filePath, LibDw.DwflCallbacks* callbacks)
        {
            var dwfl = LibDw.Begin(callbacks);
            if (dwfl == 0) return new Session(0, 0);
            LibDw.ReportBegin(dwfl);
            // Reported at bias 0: addresses are the file's own link-time addresses.
            var module = LibDw.ReportElf(dwfl, Path.GetFileName(filePath), filePath, -1, 0, 0);
            LibDw.ReportEnd(dwfl, 0, 0);
            return new Session(dwfl, module);
        }

        public bool TryResolve(ulong address, out string file, out int line)
        {
            file = "";
            line = 0;
            if (_module == 0) return false;
            var source = LibDw.ModuleGetSource(_module, address);
            if (source == 0) return false;
            ulong lineAddress, modified, length;
            int number, column;
            var name = LibDw.LineInfo(source, &lineAddress, &number, &column, &modified, &length);
            if (name == null) return false;
            file = Marshal.PtrToStringUTF8((nint)name) ?? "";
            line = number;
            return file.Length > 0;
        }
    }
}
