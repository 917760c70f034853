namespace Diag.Linux.Bpf.Btf;

// Enums by name (ENUM and ENUM64, also through a typedef).
internal sealed partial class BtfTypes
{
    /// <summary>Enum <paramref name="name"/> with its values; null when absent.</summary>
    public BtfEnum? Enum(string name)
    {
        var id = Find(name, BtfKind.Enum, BtfKind.Enum64);
        if (id == 0 && Find(name, BtfKind.Typedef) is var typedef and > 0
            && Resolve(typedef, out var resolved).Kind is BtfKind.Enum or BtfKind.Enum64)
            id = resolved;
        return id == 0 ? null : EnumAt(id);
    }

    /// <summary>The enum with type id <paramref name="id"/> (an ENUM or ENUM64).</summary>
    public BtfEnum EnumAt(int id)
    {
        var type = this[id];
        if (type.Kind is not (BtfKind.Enum or BtfKind.Enum64))
            throw new ArgumentException($"BTF type {id} is a {type.Kind}, not an enum", nameof(id));
        var values = new BtfEnumValue[type.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var (nameOffset, value) = type.EnumValue(i);
            values[i] = new BtfEnumValue(String(nameOffset), value);
        }
        return new BtfEnum(String(type.NameOffset), id, (int)type.SizeOrType, type.KindFlag, values);
    }
}
