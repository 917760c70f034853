using System.Globalization;

namespace Diag.Linux.Stacks;

/// <summary>
/// Names the frames of a walked stack: module, function (from the module's symbols, or for JIT code the
/// perf map), offsets, and with <see cref="SourceLines"/> file and line. Runs after every thread was
/// released. Counts what it could not name, for the reader's warnings.
/// </summary>
internal sealed class StackSymbolizer
{
    private readonly AddressSpace _space;

    public StackSymbolizer(AddressSpace space, bool sourceLines)
    {
        _space = space;
        SourceLines = sourceLines && SourceLineResolver.IsAvailable;
    }

    public bool SourceLines { get; }

    /// <summary>Frames in JIT code that no perf map names.</summary>
    public int UnnamedJitFrames { get; private set; }

    public StackFrame[] Symbolize(IReadOnlyList<UnwoundFrame> frames)
    {
        var result = new StackFrame[frames.Count];
        for (var i = 0; i < frames.Count; i++) result[i] = Symbolize(i, frames[i]);
        return result;
    }

    private StackFrame Symbolize(int number, UnwoundFrame frame)
    {
        var lookup = frame.LookupAddress;
        var location = _space.Locate(lookup);
        if (location is not { } at)
            return new StackFrame { Number = number, Address = frame.Address, KindValue = FrameKind.Unknown };

        if (at.Image is { } image)
        {
            var link = at.LinkAddress(lookup);
            string? function = null;
            ulong? offset = null;
            if (image.TryFindSymbol(link, at.Mapping.FilePath, _space.DebugRoots, out var symbol, out var start))
            {
                function = SymbolDemangler.Demangle(symbol);
                offset = frame.Address - (start + at.Bias);
            }
            string? file = null;
            int? line = null;
            if (SourceLines && at.OpenedPath.Length > 0 && SourceLineResolver.TryResolve(image, at.OpenedPath, link, out var sourceFile, out var sourceLine))
            {
                file = sourceFile;
                line = sourceLine;
            }
            return new StackFrame
            {
                Number = number,
                Address = frame.Address,
                Module = at.Mapping.Path,
                Function = function,
                Offset = offset,
                ModuleOffset = frame.Address - at.Bias,
                SourceFile = file,
                Line = line,
                KindValue = frame.IsSignalFrame ? FrameKind.Signal : FrameKind.Native,
            };
        }

        // Not an ELF file: JIT code in anonymous memory or in a memfd (.NET maps its code twice, through "/memfd:doublemapper").
        if (_space.PerfMap is { } perfMap && perfMap.TryFind(lookup, out var jitName, out var jitStart))
            return new StackFrame
            {
                Number = number,
                Address = frame.Address,
                Module = perfMap.DisplayPath,
                Function = jitName,
                Offset = frame.Address - jitStart,
                KindValue = FrameKind.Jit,
            };
        if (at.Mapping.Executable) UnnamedJitFrames++;
        return new StackFrame
        {
            Number = number,
            Address = frame.Address,
            Module = at.Mapping.Path.Length > 0 ? at.Mapping.Path : null,
            KindValue = at.Mapping.Executable ? FrameKind.Jit : FrameKind.Unknown,
        };
    }

    /// <summary>The frames' names innermost first: what two threads stopped at the same place share.</summary>
    public static string Signature(IEnumerable<StackFrame> frames) =>
        string.Join(" < ", frames.Select(f => f.Function ?? UnnamedFrame(f)));

    private static string UnnamedFrame(StackFrame frame) =>
        frame.Module is { } module && frame.ModuleOffset is { } offset
            ? $"{Path.GetFileName(module)}+0x{offset.ToString("x", CultureInfo.InvariantCulture)}"
            : "0x" + frame.Address.ToString("x", CultureInfo.InvariantCulture);
}
