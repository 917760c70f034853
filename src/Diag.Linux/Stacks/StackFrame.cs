using System.Globalization;
using System.Text;

namespace Diag.Linux.Stacks;

/// <summary>
/// One frame of a thread's stack, innermost first (frame 0 is where the thread was stopped). Reads like a
/// line of pstack or gdb's bt: <c>#0  0x00007f3a1c2e4b7c in recvfrom () from /lib/x86_64-linux-gnu/libc.so.6</c>.
/// </summary>
public sealed class StackFrame
{
    /// <summary>Position in the stack: 0 is the innermost frame.</summary>
    public int Number { get; internal init; }

    /// <summary>The program counter: where the thread was (frame 0, or a frame a signal interrupted), else the
    /// return address, as gdb shows it. 0 for kernel frames.</summary>
    public ulong Address { get; internal init; }

    /// <summary>The file the code is in, as the process sees it (inside a container, the container's path;
    /// " (deleted)" when it was deleted or replaced since it was loaded), "[vdso]", the perf map for JIT code,
    /// or the kernel module for kernel frames; null for memory that maps no file.</summary>
    public string? Module { get; internal init; }

    /// <summary>The function: demangled (C++, Rust), without symbol versions (@GLIBC_2.2.5); null when the
    /// module has no symbol for the address.</summary>
    public string? Function { get; internal init; }

    /// <summary>Bytes from the start of <see cref="Function"/> to <see cref="Address"/>; null without a function.</summary>
    public ulong? Offset { get; internal init; }

    /// <summary>The address as the module's file has it (link-time address: what addr2line -e Module takes);
    /// null for JIT code and kernel frames.</summary>
    public ulong? ModuleOffset { get; internal init; }

    /// <summary>Source file, from the module's DWARF line table (-SourceLine); null without debug information.</summary>
    public string? SourceFile { get; internal init; }

    /// <summary>Source line in <see cref="SourceFile"/>; null without debug information.</summary>
    public int? Line { get; internal init; }

    /// <summary>Native, JIT, signal trampoline, kernel, or unknown code.</summary>
    public string Kind => KindValue.ToString();

    internal FrameKind KindValue { get; init; }

    /// <summary>True for code of the program itself: its executable, libraries outside the system's library
    /// directories, and code a runtime generated (JIT); false for the C library, the loader, the vDSO and the kernel.
    /// Not a property (it is derived from Module and Kind): remoting and JSON carry what it is derived from.</summary>
    internal bool IsProgramCode => KindValue switch
    {
        FrameKind.Jit => true,
        FrameKind.Native => Module is { } m && !SystemLibrary(m),
        _ => false,
    };

    private static bool SystemLibrary(string module) =>
        module.StartsWith('[') // [vdso], [vsyscall]
        || module.StartsWith("/lib/", StringComparison.Ordinal) || module.StartsWith("/lib64/", StringComparison.Ordinal)
        || module.StartsWith("/usr/lib/", StringComparison.Ordinal) || module.StartsWith("/usr/lib64/", StringComparison.Ordinal)
        || module.StartsWith("/usr/libexec/", StringComparison.Ordinal);

    /// <summary>The pstack line of the frame.</summary>
    public override string ToString() => Format(Number, Address, Module, Function, SourceFile, Line, Kind, Offset);

    /// <summary>gdb's frame line; a kernel frame as "    [kernel] name+0x12" (printed above frame #0).</summary>
    private static string Format(int number, ulong address, string? module, string? function, string? sourceFile, int? line, string kind, ulong? offset)
    {
        var text = new StringBuilder();
        if (kind == nameof(FrameKind.Kernel))
        {
            text.Append("    [kernel] ").Append(function ?? "??");
            if (offset is { } o) text.Append("+0x").Append(o.ToString("x", CultureInfo.InvariantCulture));
            if (module is not null) text.Append(" [").Append(module).Append(']');
            return text.ToString();
        }
        text.Append('#').Append(number.ToString(CultureInfo.InvariantCulture).PadRight(3));
        if (kind == nameof(FrameKind.Signal)) return text.Append("<signal handler called>").ToString();
        text.Append("0x").Append(address.ToString("x16", CultureInfo.InvariantCulture)).Append(" in ").Append(function ?? "??").Append(" ()");
        if (sourceFile is not null) text.Append(" at ").Append(sourceFile).Append(':').Append((line ?? 0).ToString(CultureInfo.InvariantCulture));
        else if (module is not null) text.Append(" from ").Append(module);
        return text.ToString();
    }
}
