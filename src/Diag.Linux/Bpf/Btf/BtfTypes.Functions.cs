namespace Diag.Linux.Bpf.Btf;

// Functions and their prototypes (for fentry/fexit), typedef ids (btf_trace_* for tp_btf) and type ids by name.
internal sealed partial class BtfTypes
{
    /// <summary>Function <paramref name="name"/> with its prototype; null when absent.</summary>
    public BtfFunction? Function(string name)
    {
        var id = Find(name, BtfKind.Function);
        return id == 0 ? null : FunctionAt(id);
    }

    /// <summary>The function with type id <paramref name="id"/> (a FUNC).</summary>
    public BtfFunction FunctionAt(int id)
    {
        var function = this[id];
        if (function.Kind != BtfKind.Function)
            throw new ArgumentException($"BTF type {id} is a {function.Kind}, not a function", nameof(id));
        var protoId = (int)function.SizeOrType;
        var proto = this[protoId];
        if (proto.Kind != BtfKind.FunctionProto)
            throw new InvalidDataException($"{Name}: function {NameOf(id)} ({id}) has a {proto.Kind} for a prototype");
        var parameters = new List<BtfParameter>(proto.Count);
        var variadic = false;
        for (var i = 0; i < proto.Count; i++)
        {
            var (nameOffset, type) = proto.Parameter(i);
            if (type == 0 && i == proto.Count - 1)
            {
                variadic = true;
                break;
            }
            parameters.Add(new BtfParameter(String(nameOffset), type, TypeName(type), Resolve(type, out _).Kind, SizeOf(type)));
        }
        var definedIn = id >= FirstId ? Name : Base!.Name;
        return new BtfFunction(NameOf(id), id, definedIn, (BtfLinkage)function.Count, (int)proto.SizeOrType,
            TypeName((int)proto.SizeOrType), parameters, variadic);
    }

    /// <summary>The id of typedef <paramref name="name"/>, e.g. btf_trace_sys_exit (what a tp_btf program
    /// attaches to); 0 when absent.</summary>
    public int TypedefId(string name) => Find(name, BtfKind.Typedef);

    /// <summary>The id of the first type named <paramref name="name"/> of kind <paramref name="kind"/>; 0 when absent.</summary>
    public int TypeId(string name, BtfKind kind) => Find(name, kind);

    /// <summary>The size in bytes of the struct, union, enum, typedef or integer type named <paramref name="name"/>;
    /// null when absent.</summary>
    public long? SizeOf(string name)
    {
        var id = Find(name, BtfKind.Struct, BtfKind.Union, BtfKind.Enum, BtfKind.Enum64,
            BtfKind.Typedef, BtfKind.Int, BtfKind.Float);
        return id == 0 ? null : SizeOf(id);
    }
}
