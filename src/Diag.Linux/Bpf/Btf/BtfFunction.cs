namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// A kernel function as BTF describes it (a FUNC and its FUNC_PROTO): the id an fentry/fexit program
/// attaches to (attach_btf_id, with the module's BTF object as attach_btf_obj_fd when
/// <see cref="Module"/> is not vmlinux), and its parameters, which such a program reads from its context
/// as an array of u64 in this order.
/// </summary>
internal sealed class BtfFunction
{
    internal BtfFunction(string name, int id, string module, BtfLinkage linkage, int returnTypeId, string returnTypeName,
        IReadOnlyList<BtfParameter> parameters, bool isVariadic)
    {
        Name = name;
        Id = id;
        Module = module;
        Linkage = linkage;
        ReturnTypeId = returnTypeId;
        ReturnTypeName = returnTypeName;
        Parameters = parameters;
        IsVariadic = isVariadic;
    }

    public string Name { get; }

    /// <summary>The FUNC's type id.</summary>
    public int Id { get; }

    /// <summary>"vmlinux", or the module whose BTF defines it.</summary>
    public string Module { get; }

    public BtfLinkage Linkage { get; }

    /// <summary>0 for void.</summary>
    public int ReturnTypeId { get; }

    public string ReturnTypeName { get; }

    public IReadOnlyList<BtfParameter> Parameters { get; }

    public bool IsVariadic { get; }

    public override string ToString() =>
        $"{ReturnTypeName} {Name}({string.Join(", ", Parameters.Select(p => p.ToString()).Concat(IsVariadic ? ["..."] : []))})";
}

/// <summary>One parameter of a function prototype.</summary>
internal sealed class BtfParameter
{
    internal BtfParameter(string name, int typeId, string typeName, BtfKind kind, long? sizeBytes)
    {
        Name = name;
        TypeId = typeId;
        TypeName = typeName;
        Kind = kind;
        SizeBytes = sizeBytes;
    }

    /// <summary>Empty when the prototype does not name it.</summary>
    public string Name { get; }

    public int TypeId { get; }

    /// <summary>As C spells it: "struct sk_buff *", "enum skb_drop_reason".</summary>
    public string TypeName { get; }

    /// <summary>The kind behind typedefs and modifiers (Pointer, Int, Enum, Struct...).</summary>
    public BtfKind Kind { get; }

    public long? SizeBytes { get; }

    public override string ToString() => Name.Length == 0 ? TypeName : TypeName.EndsWith('*') ? TypeName + Name : TypeName + " " + Name;
}

/// <summary>A FUNC's linkage (<c>enum btf_func_linkage</c>).</summary>
internal enum BtfLinkage
{
    Static = 0,
    Global = 1,
    Extern = 2,
}
