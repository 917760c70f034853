using System.Buffers.Binary;
using System.Text;

namespace Diag.Linux.Elf;

/// <summary>
/// The code symbols of one .symtab or .dynsym, sorted for address lookup. The choice among symbols
/// follows libdw's (dwfl_module_addrinfo), so that names match eu-stack's: a global or weak symbol
/// whose range holds the address before any local one; the closest start; at the same start the
/// stronger binding, then the smaller size, then the first in the table; a sizeless label (hand-written
/// assembly) only when no sized symbol holds the address and none ends between it and the address.
/// Names are read from the string table on demand. Thread-safe.
/// </summary>
internal sealed class ElfSymbolTable
{
    private const byte STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
    private const byte STT_SECTION = 3, STT_FILE = 4, STT_TLS = 6;
    private const int SymbolSize = 24;

    private readonly ElfImage _image;
    private readonly ElfSection _strings;
    private readonly Part _globals;
    private readonly Part _locals;
    private readonly Dictionary<uint, string> _names = new();

    private ElfSymbolTable(ElfImage image, ElfSection strings, Part globals, Part locals)
    {
        _image = image;
        _strings = strings;
        _globals = globals;
        _locals = locals;
    }

    public int Count => _globals.Count + _locals.Count;

    /// <summary>Loads a symbol table section (.symtab or .dynsym) of <paramref name="image"/>; null when it is missing or empty.</summary>
    public static ElfSymbolTable? Load(ElfImage image, string sectionName)
    {
        var section = image.Section(sectionName);
        if (section is null || !section.HasData || section.Link >= image.Sections.Count) return null;
        var bytes = section.ReadAll();
        var count = bytes.Length / SymbolSize;
        if (count <= 1) return null;
        var firstGlobal = (int)Math.Clamp(section.Info, 1, count);
        var globals = new List<Symbol>();
        var locals = new List<Symbol>();
        for (var i = 1; i < count; i++)
        {
            var s = bytes.AsSpan(i * SymbolSize, SymbolSize);
            var name = BinaryPrimitives.ReadUInt32LittleEndian(s);
            var info = s[4];
            var sectionIndex = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
            var value = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            var size = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
            var type = info & 0xf;
            if (name == 0 || sectionIndex == 0 || type is STT_SECTION or STT_FILE or STT_TLS) continue;
            var binding = (byte)(info >> 4);
            (i < firstGlobal ? locals : globals).Add(new Symbol(value, size, name, i, binding, sectionIndex));
        }
        if (globals.Count + locals.Count == 0) return null;
        return new ElfSymbolTable(image, image.Sections[(int)section.Link], new Part(globals), new Part(locals));
    }

    /// <summary>The symbol for a link-time address: its name (as in the table) and its start; false when none applies.</summary>
    public bool TryFind(ulong address, out string name, out ulong start)
    {
        name = "";
        start = 0;
        var found = _globals.FindSized(address) ?? _locals.FindSized(address);
        if (found is null)
        {
            var label = Math.Max(_globals.LastEndBefore(address), _locals.LastEndBefore(address));
            var sizeless = Closer(_globals.FindSizeless(address, label), _locals.FindSizeless(address, label));
            if (sizeless is { } s && SameSection(s, address)) found = s;
        }
        if (found is not { } symbol) return false;
        name = NameOf(symbol.NameOffset);
        start = symbol.Value;
        return name.Length > 0;
    }

    private static Symbol? Closer(Symbol? a, Symbol? b) =>
        a is null ? b : b is null ? a : b.Value.Value > a.Value.Value ? b : a;

    private bool SameSection(Symbol symbol, ulong address)
    {
        if (symbol.SectionIndex >= 0xff00) return symbol.Value == address; // absolute and the like: exact only
        return _image.SectionAt(address)?.Index == symbol.SectionIndex;
    }

    private string NameOf(uint offset)
    {
        lock (_names)
        {
            if (_names.TryGetValue(offset, out var cached)) return cached;
        }
        var name = "";
        Span<byte> buffer = stackalloc byte[256];
        var bytes = new List<byte>();
        for (long at = offset; bytes.Count < 64 * 1024;)
        {
            var n = _strings.Read(at, buffer);
            if (n <= 0) break;
            var end = buffer[..n].IndexOf((byte)0);
            if (end >= 0)
            {
                bytes.AddRange(buffer[..end]);
                name = Encoding.UTF8.GetString(bytes.ToArray());
                break;
            }
            bytes.AddRange(buffer[..n]);
            at += n;
        }
        lock (_names) _names[offset] = name;
        return name;
    }

    private readonly record struct Symbol(ulong Value, ulong Size, uint NameOffset, int Index, byte Binding, ushort SectionIndex)
    {
        /// <summary>libdw's order of preference: global, weak, local, anything else.</summary>
        public int Rank => Binding switch { STB_GLOBAL => 3, STB_WEAK => 2, STB_LOCAL => 1, _ => 0 };
    }

    /// <summary>Sized symbols sorted by start with a running maximum of their ends (so a lookup stops as soon
    /// as no earlier symbol can reach the address), and sizeless ones apart.</summary>
    private sealed class Part
    {
        private readonly Symbol[] _sized;
        private readonly ulong[] _starts;
        private readonly ulong[] _maxEnd;
        private readonly Symbol[] _sizeless;
        private readonly ulong[] _sizelessStarts;

        public Part(List<Symbol> symbols)
        {
            Count = symbols.Count;
            _sized = symbols.Where(s => s.Size > 0).OrderBy(s => s.Value).ThenBy(s => s.Index).ToArray();
            _starts = _sized.Select(s => s.Value).ToArray();
            _maxEnd = new ulong[_sized.Length];
            ulong max = 0;
            for (var i = 0; i < _sized.Length; i++)
                _maxEnd[i] = max = Math.Max(max, _sized[i].Value + _sized[i].Size);
            _sizeless = symbols.Where(s => s.Size == 0).OrderBy(s => s.Value).ThenBy(s => s.Index).ToArray();
            _sizelessStarts = _sizeless.Select(s => s.Value).ToArray();
        }

        public int Count { get; }

        public Symbol? FindSized(ulong address)
        {
            Symbol? best = null;
            for (var i = LastAtOrBelow(_starts, address); i >= 0 && _maxEnd[i] > address; i--)
            {
                var s = _sized[i];
                if (best is { } b && s.Value < b.Value) break;
                if (address - s.Value >= s.Size) continue;
                if (best is null || Better(s, best.Value)) best = s;
            }
            return best;
        }

        /// <summary>The end of the furthest-reaching sized symbol that starts at or below the address.</summary>
        public ulong LastEndBefore(ulong address)
        {
            var i = LastAtOrBelow(_starts, address);
            return i >= 0 ? _maxEnd[i] : 0;
        }

        public Symbol? FindSizeless(ulong address, ulong lowest)
        {
            var i = LastAtOrBelow(_sizelessStarts, address);
            if (i < 0) return null;
            var value = _sizeless[i].Value;
            while (i > 0 && _sizeless[i - 1].Value == value) i--; // the first in the table among equals
            var best = _sizeless[i];
            for (var j = i + 1; j < _sizeless.Length && _sizeless[j].Value == value; j++)
                if (_sizeless[j].Rank > best.Rank) best = _sizeless[j];
            return best.Value >= lowest ? best : null;
        }

        /// <summary>At the same start: the stronger binding, then the smaller size; else the earlier entry.</summary>
        private static bool Better(Symbol candidate, Symbol current)
        {
            if (candidate.Value != current.Value) return candidate.Value > current.Value;
            if (candidate.Rank != current.Rank) return candidate.Rank > current.Rank;
            if (candidate.Size != current.Size) return candidate.Size < current.Size;
            return candidate.Index < current.Index;
        }

        private static int LastAtOrBelow(ulong[] sorted, ulong value)
        {
            var index = Array.BinarySearch(sorted, value);
            if (index < 0) return ~index - 1;
            while (index + 1 < sorted.Length && sorted[index + 1] == value) index++;
            return index;
        }
    }
}
