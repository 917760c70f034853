using System.Globalization;
using System.Text;

namespace Diag.Linux.Bpf.Btf;

// Types as C spells them, for messages and for the parameters of function prototypes: "pid_t",
// "struct sk_buff *", "char[16]", "const char *", "void (*)(struct sock *)". Type tags (__rcu, __user) are
// left out, as the C they come from shows them only as attributes.
internal sealed partial class BtfTypes
{
    private const int MaxSpellingDepth = 16;

    /// <summary>Type <paramref name="id"/> as C spells it.</summary>
    public string TypeName(int id) => Spell(id, 0);

    private string Spell(int id, int depth)
    {
        if (depth > MaxSpellingDepth)
            return "...";
        var type = this[id];
        var name = String(type.NameOffset);
        switch (type.Kind)
        {
            case BtfKind.Void:
                return "void";
            case BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Forward:
                var keyword = type.Kind switch
                {
                    BtfKind.Struct => "struct",
                    BtfKind.Union => "union",
                    BtfKind.Forward => type.KindFlag ? "union" : "struct",
                    _ => "enum",
                };
                return name.Length > 0 ? keyword + " " + name : keyword + " {...}";
            case BtfKind.Pointer:
                var target = this[(int)type.SizeOrType];
                if (target.Kind == BtfKind.FunctionProto)
                    return SpellProto((int)type.SizeOrType, "(*)", depth);
                if (target.Kind == BtfKind.Array)
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{Spell(target.Array.ElementType, depth + 1)} (*)[{target.Array.Count}]");
                var pointee = Spell((int)type.SizeOrType, depth + 1);
                return pointee.EndsWith('*') ? pointee + "*" : pointee + " *";
            case BtfKind.Array:
                return string.Create(CultureInfo.InvariantCulture, $"{Spell(type.Array.ElementType, depth + 1)}[{type.Array.Count}]");
            case BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict:
                var qualifier = type.Kind switch { BtfKind.Const => "const", BtfKind.Volatile => "volatile", _ => "restrict" };
                var qualified = Spell((int)type.SizeOrType, depth + 1);
                // A qualified pointer is "char * const"; a qualified value "const char".
                return this[(int)type.SizeOrType].Kind == BtfKind.Pointer || type.Kind == BtfKind.Restrict
                    ? qualified + " " + qualifier
                    : qualifier + " " + qualified;
            case BtfKind.TypeTag:
                return Spell((int)type.SizeOrType, depth + 1);
            case BtfKind.FunctionProto:
                return SpellProto(id, "", depth);
            default: // int, float, typedef, func, var, datasec, decl tag: by name
                return name;
        }
    }

    private string SpellProto(int protoId, string declarator, int depth)
    {
        var proto = this[protoId];
        var text = new StringBuilder(Spell((int)proto.SizeOrType, depth + 1));
        text.Append(' ').Append(declarator).Append('(');
        for (var i = 0; i < proto.Count; i++)
        {
            var (_, parameterType) = proto.Parameter(i);
            if (i > 0)
                text.Append(", ");
            text.Append(parameterType == 0 && i == proto.Count - 1 ? "..." : Spell(parameterType, depth + 1));
        }
        return text.Append(')').ToString();
    }
}
