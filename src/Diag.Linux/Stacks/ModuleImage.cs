using Diag.Linux.Dwarf;
using Diag.Linux.Elf;

namespace Diag.Linux.Stacks;

/// <summary>
/// A mapped ELF file as the unwinder and the symbolizer use it: its call frame table and its symbols,
/// each loaded on first use and kept (the image is cached by file identity across captures). Symbols
/// come from the file's .symtab; for a stripped file from its separate debug file (build ID or debug
/// link), else from its MiniDebugInfo plus .dynsym, else from .dynsym alone. Thread-safe.
/// </summary>
internal sealed class ModuleImage : IDisposable
{
    private readonly Lazy<CallFrameTable?> _frames;
    private readonly object _symbolsGate = new();
    private bool _symbolsLoaded;
    private ElfSymbolTable? _symbols;
    private ElfSymbolTable? _fallbackSymbols;
    private ElfImage? _symbolImage;

    public ModuleImage(ElfImage elf)
    {
        Elf = elf;
        _frames = new Lazy<CallFrameTable?>(LoadFrames);
    }

    public ElfImage Elf { get; }

    /// <summary>Null when the file has no call frame information (or it does not parse).</summary>
    public CallFrameTable? CallFrames => _frames.Value;

    /// <summary>Where the symbols came from: "symtab", "debug file", "MiniDebugInfo", "dynsym", or null before loading.</summary>
    public string? SymbolSource { get; private set; }

    /// <summary>The symbol holding a link-time address. <paramref name="modulePath"/> and <paramref name="roots"/>
    /// locate a separate debug file the first time symbols are needed.</summary>
    public bool TryFindSymbol(ulong address, string modulePath, IReadOnlyList<string> roots, out string name, out ulong start)
    {
        lock (_symbolsGate)
        {
            if (!_symbolsLoaded) LoadSymbols(modulePath, roots);
        }
        name = "";
        start = 0;
        return (_symbols?.TryFind(address, out name, out start) ?? false)
               || (_fallbackSymbols?.TryFind(address, out name, out start) ?? false);
    }

    private CallFrameTable? LoadFrames()
    {
        try
        {
            return Elf.LoadCallFrameTable();
        }
        catch (DwarfFormatException)
        {
            return null;
        }
    }

    private void LoadSymbols(string modulePath, IReadOnlyList<string> roots)
    {
        _symbolsLoaded = true;
        if ((_symbols = ElfSymbolTable.Load(Elf, ".symtab")) is not null)
        {
            SymbolSource = "symtab";
            return;
        }
        if (DebugFileLocator.TryOpen(Elf, modulePath, roots) is { } debug)
        {
            _symbolImage = debug;
            _symbols = ElfSymbolTable.Load(debug, ".symtab");
            _fallbackSymbols = ElfSymbolTable.Load(Elf, ".dynsym");
            SymbolSource = "debug file";
            return;
        }
        if (MiniDebugInfo.TryLoad(Elf) is { } mini)
        {
            _symbolImage = mini;
            _symbols = ElfSymbolTable.Load(mini, ".symtab");
            _fallbackSymbols = ElfSymbolTable.Load(Elf, ".dynsym");
            SymbolSource = "MiniDebugInfo";
            return;
        }
        _symbols = ElfSymbolTable.Load(Elf, ".dynsym");
        SymbolSource = "dynsym";
    }

    public void Dispose()
    {
        Elf.Dispose();
        _symbolImage?.Dispose();
    }
}
