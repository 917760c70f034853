using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// Type ids by name for the types one BTF blob defines: an open-addressing hash table over the names'
/// bytes in the string section. The kernel has ~125,000 types; ~56,000 named functions and ~15,000 other
/// named types (structs, typedefs, enums...). One index holds the functions, another the rest, each built
/// on its first lookup, so a program that needs only structure offsets never hashes a function name. A
/// Dictionary&lt;string, int&gt; would first decode every name into a string, most of the cold-start cost.
/// Several types may share a name (struct sk_buff and its forward declaration, a typedef and the struct it
/// names); <see cref="Find"/> returns the lowest id of the kinds asked for.
/// </summary>
internal sealed class BtfNameIndex
{
    private const uint FnvOffset = 2166136261, FnvPrime = 16777619;

    private readonly BtfTypes _types;
    private readonly int[] _slots; // type id, 0 when empty
    private readonly int _mask;

    /// <summary>Indexes the named functions (<paramref name="functions"/>) or the other named types of
    /// <paramref name="types"/>, which start at <paramref name="offsets"/> in <paramref name="data"/> and whose
    /// own strings are <paramref name="strings"/> (the base's come before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once, cold: straight to optimized code
    public BtfNameIndex(BtfTypes types, bool functions, ReadOnlySpan<byte> data, int[] offsets, ReadOnlySpan<byte> strings, int firstStringOffset)
    {
        _types = types;
        var count = 0;
        foreach (var offset in offsets)
            if (Indexed(data, offset, functions))
                count++;
        var size = 16;
        while (size < count * 2)
            size <<= 1;
        _slots = new int[size];
        _mask = size - 1;
        // Ids go in ascending order, so among equal names the lowest id comes first along the probe sequence.
        for (var i = 0; i < offsets.Length; i++)
        {
            if (!Indexed(data, offsets[i], functions))
                continue;
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[offsets[i]..]);
            var local = (long)nameOffset - firstStringOffset;
            var hash = local >= 0 && local < strings.Length
                ? HashToNul(strings[(int)local..])
                : Hash(types.StringBytes(nameOffset)); // a split blob's type named by a string of its base
            var slot = (int)hash & _mask;
            while (_slots[slot] != 0)
                slot = (slot + 1) & _mask;
            _slots[slot] = types.FirstId + i;
        }
    }

    /// <summary>The lowest id named <paramref name="name"/> of one of <paramref name="kinds"/>; 0 when none.</summary>
    public int Find(string name, BtfKind[] kinds)
    {
        if (name.Length == 0)
            return 0;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(name) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(name, buffer)] : Encoding.UTF8.GetBytes(name);
        var best = 0;
        for (var slot = (int)Hash(bytes) & _mask; _slots[slot] != 0; slot = (slot + 1) & _mask)
        {
            var id = _slots[slot];
            var type = _types[id];
            if ((best == 0 || id < best) && IsOneOf(type.Kind, kinds) && _types.StringBytes(type.NameOffset).SequenceEqual(bytes))
                best = id;
        }
        return best;
    }

    private static bool IsOneOf(BtfKind kind, BtfKind[] kinds)
    {
        foreach (var k in kinds)
            if (k == kind)
                return true;
        return false;
    }

    /// <summary>A named type that belongs in this index: a function in the functions', any other in the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Indexed(ReadOnlySpan<byte> data, int offset, bool functions) =>
        BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]) != 0
        && (BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]) >> 24 & 0x1f) == (uint)BtfKind.Function == functions;

    /// <summary>FNV-1a of a name: names are short, and this runs once per named type at build time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = FnvOffset;
        foreach (var b in bytes)
            hash = (hash ^ b) * FnvPrime;
        return hash;
    }

    /// <summary><see cref="Hash"/> of the NUL-terminated string at the start of <paramref name="text"/>, in the
    /// same pass that finds its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint HashToNul(ReadOnlySpan<byte> text)
    {
        var hash = FnvOffset;
        foreach (var b in text)
        {
            if (b == 0)
                break;
            hash = (hash ^ b) * FnvPrime;
        }
        return hash;
    }
}
