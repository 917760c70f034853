using System.Globalization;

namespace Diag.Linux.Bpf.Btf;

// Members by path: "task_struct.pid", "mm_struct.arg_start", "sk_buff.head", "a.b.c" through embedded and
// anonymous structs and unions, "task_struct.comm[3]" for an array element. As libbpf's and cilium/ebpf's
// CO-RE do, a member name is looked for among the direct members first, then inside anonymous members
// (breadth first), which is how C resolves it.
internal sealed partial class BtfTypes
{
    private const int MaxAnonymousMembers = 256;

    /// <summary>The struct or union named <paramref name="name"/> (or a typedef of one); 0 when absent.</summary>
    public int FindComposite(string name)
    {
        var id = Find(name, BtfKind.Struct, BtfKind.Union);
        if (id == 0 && Find(name, BtfKind.Typedef) is var typedef and > 0
            && Resolve(typedef, out var resolved).Kind is BtfKind.Struct or BtfKind.Union)
            id = resolved;
        return id;
    }

    /// <summary>The member at <paramref name="path"/> ("pid", "se.vruntime", "comm[3]") of struct or union
    /// <paramref name="structure"/>; null when something on the way is absent, with what in <paramref name="problem"/>.</summary>
    public BtfField? TryField(string structure, string path, out string? problem)
    {
        var id = FindComposite(structure);
        if (id == 0)
        {
            problem = $"has no struct or union '{structure}'";
            return null;
        }
        var fullPath = structure + "." + path;
        long bitOffset = 0;
        var bitSize = 0;
        var typeId = id;
        var reached = structure;
        foreach (var component in path.Split('.'))
        {
            var (name, indexes) = SplitIndexes(component);
            if (name is null)
            {
                problem = $"cannot read the member path '{path}' ('{component}' is not a member name or name[index])";
                return null;
            }
            var container = Resolve(typeId, out var containerId);
            if (container.Kind is not (BtfKind.Struct or BtfKind.Union))
            {
                problem = $"has '{reached}' as {TypeName(typeId)}, which has no members (no '{name}')";
                return null;
            }
            if (FindMember(containerId, name) is not { } member)
            {
                problem = $"has no member '{name}' in {TypeName(containerId)}" + (reached == structure ? "" : $" ('{reached}')");
                return null;
            }
            bitOffset += member.BitOffset;
            bitSize = member.BitfieldSize;
            typeId = member.Type;
            reached += "." + name;
            if (bitSize == 0 && Resolve(typeId, out _) is { Kind: BtfKind.Int } integer)
            {
                // Before kind_flag (pahole < 1.13 era BTF), a bitfield was an INT type with its own bit offset and width.
                var (_, intOffset, bits) = integer.IntEncoding;
                if (intOffset != 0 || bits != integer.SizeOrType * 8)
                {
                    bitOffset += intOffset;
                    bitSize = bits;
                }
            }
            foreach (var index in indexes)
            {
                var array = Resolve(typeId, out _);
                if (array.Kind != BtfKind.Array)
                {
                    problem = $"has '{reached}' as {TypeName(typeId)}, not an array";
                    return null;
                }
                var (element, count) = array.Array;
                if (count != 0 && index >= count)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"has '{reached}' with {count} elements, so no [{index}]");
                    return null;
                }
                bitOffset += index * (SizeOf(element) ?? 0) * 8;
                typeId = element;
                reached += string.Create(CultureInfo.InvariantCulture, $"[{index}]");
            }
        }
        problem = null;
        return MakeField(fullPath, typeId, bitOffset, bitSize);
    }

    /// <summary>As <see cref="TryField"/>, null when absent.</summary>
    public BtfField? Field(string structure, string path) => TryField(structure, path, out _);

    private BtfField MakeField(string path, int typeId, long bitOffset, int bitfieldSize)
    {
        var type = Resolve(typeId, out var resolvedId);
        var size = SizeOf(resolvedId) ?? 0;
        var isSigned = type.Kind switch
        {
            BtfKind.Int => type.IntEncoding.Signed,
            BtfKind.Enum or BtfKind.Enum64 => type.KindFlag,
            _ => false,
        };
        long elementSize = 0, elementCount = 0;
        if (type.Kind == BtfKind.Array)
        {
            elementCount = type.Array.Count;
            var element = type;
            var elementId = resolvedId;
            while (element.Kind == BtfKind.Array)
                element = Resolve(element.Array.ElementType, out elementId);
            elementSize = SizeOf(elementId) ?? 0;
        }
        // A member off a byte boundary is a bitfield whatever its encoding says: never a byte offset that is wrong.
        var isBitfield = bitfieldSize != 0 || bitOffset % 8 != 0;
        return new BtfField(this, path, typeId, type.Kind, size, bitOffset,
            bitfieldSize != 0 ? bitfieldSize : (int)Math.Min(size * 8, int.MaxValue), isBitfield, isSigned, elementSize, elementCount);
    }

    /// <summary>Member <paramref name="name"/> of composite <paramref name="id"/>, looking into anonymous
    /// members breadth first; its bit offset is from the start of <paramref name="id"/>.</summary>
    private (int Type, long BitOffset, int BitfieldSize)? FindMember(int id, string name)
    {
        var wanted = System.Text.Encoding.UTF8.GetBytes(name);
        var queue = new List<(int Id, long BitOffset)> { (id, 0) };
        for (var next = 0; next < queue.Count && next < MaxAnonymousMembers; next++)
        {
            var (compositeId, baseOffset) = queue[next];
            var composite = this[compositeId];
            for (var i = 0; i < composite.Count; i++)
            {
                var member = composite.Member(i);
                if (member.NameOffset != 0)
                {
                    if (StringBytes(member.NameOffset).SequenceEqual(wanted))
                        return (member.Type, baseOffset + member.BitOffset, member.BitfieldSize);
                    continue;
                }
                if (Resolve(member.Type, out var anonymousId).Kind is BtfKind.Struct or BtfKind.Union)
                    queue.Add((anonymousId, baseOffset + member.BitOffset));
            }
        }
        return null;
    }

    /// <summary>"comm[3]" into ("comm", [3]); a plain name has no indexes; null name when malformed.</summary>
    private static (string? Name, long[] Indexes) SplitIndexes(string component)
    {
        var bracket = component.IndexOf('[');
        if (bracket < 0)
            return (component.Length > 0 ? component : null, []);
        var indexes = new List<long>();
        var rest = component.AsSpan(bracket);
        while (rest.Length > 0)
        {
            var close = rest.IndexOf(']');
            if (rest[0] != '[' || close < 0 || !long.TryParse(rest[1..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                return (null, []);
            indexes.Add(index);
            rest = rest[(close + 1)..];
        }
        return (bracket > 0 ? component[..bracket] : null, indexes.ToArray());
    }
}
