namespace Diag.Linux.Bpf.Btf;

/// <summary>The kind of a BTF type (<c>BTF_KIND_*</c> in the kernel's include/uapi/linux/btf.h).</summary>
internal enum BtfKind : byte
{
    Void = 0,
    Int = 1,
    Pointer = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Forward = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Function = 12,
    FunctionProto = 13,
    Variable = 14,
    DataSection = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}
