namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// An enum of the running kernel with its values, read from BTF (ENUM or ENUM64): names by value and values
/// by name, e.g. <c>enum skb_drop_reason</c>, whose numbering changes between kernel versions, so that a drop
/// reason is named from the kernel that reported it, never from a table baked into Diag.
/// </summary>
internal sealed class BtfEnum
{
    private readonly Dictionary<string, long> _byName;
    private readonly Dictionary<long, string> _byValue;

    internal BtfEnum(string name, int typeId, int sizeBytes, bool isSigned, IReadOnlyList<BtfEnumValue> values)
    {
        Name = name;
        TypeId = typeId;
        SizeBytes = sizeBytes;
        IsSigned = isSigned;
        Values = values;
        _byName = new Dictionary<string, long>(values.Count, StringComparer.Ordinal);
        _byValue = new Dictionary<long, string>(values.Count);
        foreach (var value in values)
        {
            _byName.TryAdd(value.Name, value.Value);
            _byValue.TryAdd(value.Value, value.Name); // aliases (FOO_MAX = last): the first name declared wins
        }
    }

    /// <summary>The enum's name ("skb_drop_reason"); empty for an anonymous enum.</summary>
    public string Name { get; }

    public int TypeId { get; }

    public int SizeBytes { get; }

    public bool IsSigned { get; }

    /// <summary>In declaration order. An unsigned 64-bit value above long.MaxValue reads as negative.</summary>
    public IReadOnlyList<BtfEnumValue> Values { get; }

    /// <summary>The value of enumerator <paramref name="name"/>; null when this kernel's enum has none.</summary>
    public long? ValueOf(string name) => _byName.TryGetValue(name, out var value) ? value : null;

    /// <summary>The (first declared) enumerator with <paramref name="value"/>; null when none has it.</summary>
    public string? NameOf(long value) => _byValue.GetValueOrDefault(value);

    public override string ToString() => $"enum {Name} ({Values.Count} values)";
}

/// <summary>One enumerator.</summary>
internal readonly record struct BtfEnumValue(string Name, long Value);
