using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>libstdc++'s demangler (the one c++filt and gdb use), for C++ function names. Optional: callers
/// check <see cref="IsAvailable"/> (a server without libstdc++ shows mangled names).</summary>
internal static unsafe partial class LibStdCxx
{
    private const string Lib = "libstdc++.so.6";

    private static readonly Lazy<bool> Available = new(() => NativeLibrary.TryLoad(Lib, out _));

    public static bool IsAvailable => Available.Value;

    /// <summary><c>abi::__cxa_demangle</c>: returns a malloc'd string (free with <see cref="Libc.Free"/>) or null; status 0 on success.</summary>
    [LibraryImport(Lib, EntryPoint = "__cxa_demangle")]
    public static partial byte* CxaDemangle(byte* mangled, byte* buffer, nuint* length, int* status);
}
