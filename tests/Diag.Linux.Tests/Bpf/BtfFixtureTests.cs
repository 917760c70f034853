using System.Buffers.Binary;
using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// The BTF reader on small hand-built blobs: the cases a running kernel does not show on demand (legacy
/// bitfields, enum64 above 2^32, a module's split BTF, malformed input) and the tricky ones checked value by
/// value (bitfield extraction, typedef chains, anonymous unions, arrays).
/// </summary>
public sealed class BtfFixtureTests
{
    [Fact]
    public void BitfieldsHaveNoByteOffsetAndTheirLoadRecipeExtractsTheValue()
    {
        // struct flags { unsigned int a:3, b:5; int c:4; unsigned long long d:40; char tail; }
        // with d at bit 20 (so it straddles the first 4-byte unit) and tail at byte 8.
        var b = new BtfBlobBuilder();
        var u32 = b.Int("unsigned int", 4);
        var s32 = b.Int("int", 4, signed: true);
        var u64 = b.Int("long long unsigned int", 8);
        var chr = b.Int("char", 1, signed: true);
        b.Composite(BtfKind.Struct, "flags", 16,
            ("a", u32, 0, 3), ("b", u32, 3, 5), ("c", s32, 8, 4), ("d", u64, 20, 40), ("tail", chr, 64, 0));
        var types = BtfTypes.Parse(b.Build(), "fixture");

        var bytes = new byte[16];
        var packed = 5UL | 17UL << 3 | (ulong)(-3 & 0xf) << 8 | 0xAB_CDEF_1234UL << 20;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, packed);
        bytes[8] = 0x7f;

        Assert.Equal(5, Extract(types, "a", bytes));
        Assert.Equal(17, Extract(types, "b", bytes));
        Assert.Equal(-3, Extract(types, "c", bytes));
        Assert.Equal(0xAB_CDEF_1234L, Extract(types, "d", bytes));

        var a = types.Field("flags", "a")!;
        Assert.True(a.IsBitfield);
        Assert.Null(a.ByteOffset);
        Assert.Equal((0, 3), (a.BitOffset, a.BitSize));
        var d = types.Field("flags", "d")!;
        Assert.Equal(new BtfBitfieldLoad(0, 8, 64 - 60, 64 - 40), d.Bitfield);
        var tail = types.Field("flags", "tail")!;
        Assert.False(tail.IsBitfield);
        Assert.Null(tail.Bitfield);
        Assert.Equal(8, tail.ByteOffset);

        var layout = new BtfLayout(types, "fixture kernel");
        var refused = Assert.Throws<KernelLayoutException>(() => layout.Offset("flags", "b"));
        Assert.Contains("flags.b is a bitfield", refused.Message);
        Assert.Equal(8, layout.Offset("flags", "tail"));
    }

    [Fact]
    public void LegacyBitfieldsEncodedInTheIntTypeAreBitfieldsToo()
    {
        // Before kind_flag, a bitfield was an INT with its own bit offset and width, at a member bit offset.
        var b = new BtfBlobBuilder();
        var threeBits = b.Int("unsigned int", 4, bits: 3);
        var shifted = b.Int("unsigned int", 4, bits: 2, bitOffset: 1);
        var u8 = b.Int("unsigned char", 1);
        b.Composite(BtfKind.Struct, "old", 4, ("x", threeBits, 5, 0), ("y", shifted, 8, 0), ("z", u8, 16, 0));
        var types = BtfTypes.Parse(b.Build(), "fixture");

        var x = types.Field("old", "x")!;
        Assert.Equal((true, 5L, 3), (x.IsBitfield, x.BitOffset, x.BitSize));
        var y = types.Field("old", "y")!;
        Assert.Equal((true, 9L, 2), (y.IsBitfield, y.BitOffset, y.BitSize));
        Assert.Equal(2, types.Field("old", "z")!.ByteOffset);
        var bytes = new byte[] { 0b1010_0000, 0b0000_0100, 0, 0 }; // x = 5 at bits 5..7, y = 2 at bits 9..10
        Assert.Equal(5, Extract(types, "x", bytes, "old"));
        Assert.Equal(2, Extract(types, "y", bytes, "old"));
    }

    [Fact]
    public void MembersAreFoundThroughTypedefChainsModifiersAndAnonymousUnions()
    {
        // typedef const volatile struct inner inner_t (through a typedef of a typedef);
        // struct outer { int a; union { int b; struct { short c; short d; }; }; inner_t in; inner_t *p; };
        var b = new BtfBlobBuilder();
        var s32 = b.Int("int", 4, signed: true);
        var s16 = b.Int("short", 2, signed: true);
        var inner = b.Composite(BtfKind.Struct, "inner", 8, ("x", s32, 0, 0), ("y", s32, 32, 0));
        var cv = b.Modifier(BtfKind.Volatile, b.Modifier(BtfKind.Const, inner));
        var innerT = b.Typedef("inner_t", b.Typedef("inner_base_t", cv));
        var cd = b.Composite(BtfKind.Struct, "", 4, ("c", s16, 0, 0), ("d", s16, 16, 0));
        var union = b.Composite(BtfKind.Union, "", 4, ("b", s32, 0, 0), ("", cd, 0, 0));
        var tagged = b.Pointer(b.TypeTag("rcu", innerT));
        var outer = b.Composite(BtfKind.Struct, "outer", 24, ("a", s32, 0, 0), ("", union, 32, 0), ("in", innerT, 64, 0), ("p", tagged, 128, 0));
        b.Typedef("outer_t", b.Modifier(BtfKind.Const, b.Typedef("outer_alias", outer)));
        var types = BtfTypes.Parse(b.Build(), "fixture");

        Assert.Equal(4, types.Field("outer", "b")!.ByteOffset);
        Assert.Equal(6, types.Field("outer", "d")!.ByteOffset);
        var y = types.Field("outer", "in.y")!;
        Assert.Equal(12, y.ByteOffset);
        Assert.Equal(BtfKind.Int, y.Kind);
        Assert.True(y.IsSigned);
        var member = types.Field("outer", "in")!;
        Assert.Equal(BtfKind.Struct, member.Kind);
        Assert.Equal(8, member.SizeBytes);
        Assert.Equal("inner_t", member.TypeName);
        Assert.Equal("volatile const struct inner", types.TypeName(cv)); // volatile of const, outermost first
        var p = types.Field("outer", "p")!;
        Assert.Equal((BtfKind.Pointer, 8L, 16), (p.Kind, p.SizeBytes, p.ByteOffset!.Value));
        Assert.Equal("inner_t *", p.TypeName);
        Assert.Equal(8, types.SizeOf("inner_t"));
        Assert.Equal(24, types.SizeOf("outer"));
        // A struct named through a typedef.
        Assert.Equal(outer, types.FindComposite("outer"));
        Assert.Equal(outer, types.FindComposite("outer_t"));
        Assert.Equal(6, types.Field("outer_t", "d")!.ByteOffset);
    }

    [Fact]
    public void ArrayMembersGiveElementSizesAndIndexesMoveTheOffset()
    {
        var b = new BtfBlobBuilder();
        var chr = b.Int("char", 1, signed: true);
        var u32 = b.Int("unsigned int", 4);
        var comm = b.Array(chr, 16, u32);
        var matrix = b.Array(b.Array(u32, 3, u32), 2, u32); // u32[2][3]
        var flexible = b.Array(u32, 0, u32);
        b.Composite(BtfKind.Struct, "task", 64, ("comm", comm, 0, 0), ("m", matrix, 128, 0), ("rest", flexible, 320, 0));
        var types = BtfTypes.Parse(b.Build(), "fixture");

        var field = types.Field("task", "comm")!;
        Assert.Equal((BtfKind.Array, 16L, 1L, 16L), (field.Kind, field.SizeBytes, field.ElementSizeBytes, field.ElementCount));
        Assert.Equal("char[16]", field.TypeName);
        Assert.Equal(3, types.Field("task", "comm[3]")!.ByteOffset);
        Assert.Equal(16 + 4 * (3 * 1 + 2), types.Field("task", "m[1][2]")!.ByteOffset);
        Assert.Equal(4, types.Field("task", "m")!.ElementSizeBytes);
        Assert.Equal(40 + 4 * 7, types.Field("task", "rest[7]")!.ByteOffset); // flexible: any index

        Assert.Null(types.TryField("task", "comm[16]", out var problem));
        Assert.Equal("has 'task.comm' with 16 elements, so no [16]", problem);
        Assert.Null(types.TryField("task", "comm[x]", out problem));
        Assert.Contains("not a member name or name[index]", problem);
        Assert.Null(types.TryField("task", "comm.x", out problem));
        Assert.Equal("has 'task.comm' as char[16], which has no members (no 'x')", problem);
    }

    [Fact]
    public void AMissingMemberIsNamedWithTheKernel()
    {
        var b = new BtfBlobBuilder();
        var s32 = b.Int("int", 4, signed: true);
        var mm = b.Composite(BtfKind.Struct, "mm_struct", 8, ("arg_start", s32, 0, 0));
        b.Composite(BtfKind.Struct, "task_struct", 16, ("pid", s32, 0, 0), ("mm", b.Pointer(mm), 64, 0), ("mm_inline", mm, 0, 0));
        var layout = new BtfLayout(BtfTypes.Parse(b.Build(), "vmlinux"), "Linux 9.9.9");

        var e = Assert.Throws<KernelLayoutException>(() => layout.Field("task_struct", "tgid"));
        Assert.Equal("this kernel (Linux 9.9.9) has no member 'tgid' in struct task_struct", e.Message);
        Assert.Equal(("task_struct", "tgid"), (e.Type, e.Member));
        e = Assert.Throws<KernelLayoutException>(() => layout.Field("task_struct", "mm_inline.arg_end"));
        Assert.Equal("this kernel (Linux 9.9.9) has no member 'arg_end' in struct mm_struct ('task_struct.mm_inline')", e.Message);
        e = Assert.Throws<KernelLayoutException>(() => layout.Field("task_struct", "mm.arg_start"));
        Assert.Equal("this kernel (Linux 9.9.9) has 'task_struct.mm' as struct mm_struct *, which has no members (no 'arg_start')", e.Message);
        e = Assert.Throws<KernelLayoutException>(() => layout.Field("nf_conn", "status"));
        Assert.Equal("this kernel (Linux 9.9.9) has no struct or union 'nf_conn'", e.Message);
        Assert.Equal(0, layout.Offset("task_struct", "pid"));
    }

    [Fact]
    public void EnumsGiveValuesByNameAndNamesByValueIncludingEnum64()
    {
        var b = new BtfBlobBuilder();
        b.Enum("skb_drop_reason", 4, false, ("SKB_NOT_DROPPED_YET", 0), ("SKB_CONSUMED", 1), ("SKB_DROP_REASON_NOT_SPECIFIED", 2),
            ("SKB_DROP_REASON_MAX", 2));
        b.Enum("signed_thing", 4, true, ("MINUS_ONE", -1), ("BIG", int.MinValue));
        b.Enum("unsigned_thing", 4, false, ("HIGH", unchecked((int)0xffff_fff0)));
        b.Enum64("wide", false, ("ABOVE_4G", 0x1_0000_0001UL), ("TOP", ulong.MaxValue - 1));
        b.Enum64("wide_signed", true, ("NEGATIVE", unchecked((ulong)-5L)));
        var types = BtfTypes.Parse(b.Build(), "fixture");

        var reasons = types.Enum("skb_drop_reason")!;
        Assert.Equal(2, reasons.ValueOf("SKB_DROP_REASON_NOT_SPECIFIED"));
        Assert.Equal("SKB_DROP_REASON_NOT_SPECIFIED", reasons.NameOf(2)); // not the alias declared after it
        Assert.Null(reasons.NameOf(99));
        Assert.Null(reasons.ValueOf("SKB_DROP_REASON_NO_SOCKET"));
        Assert.Equal(4, reasons.SizeBytes);

        var signed = types.Enum("signed_thing")!;
        Assert.True(signed.IsSigned);
        Assert.Equal(-1, signed.ValueOf("MINUS_ONE"));
        Assert.Equal(int.MinValue, signed.ValueOf("BIG"));
        Assert.Equal(0xffff_fff0L, types.Enum("unsigned_thing")!.ValueOf("HIGH")); // zero-extended

        var wide = types.Enum("wide")!;
        Assert.Equal(8, wide.SizeBytes);
        Assert.Equal(0x1_0000_0001L, wide.ValueOf("ABOVE_4G"));
        Assert.Equal("ABOVE_4G", wide.NameOf(0x1_0000_0001L));
        Assert.Equal(unchecked((long)(ulong.MaxValue - 1)), wide.ValueOf("TOP"));
        Assert.Equal(-5, types.Enum("wide_signed")!.ValueOf("NEGATIVE"));
        Assert.Null(types.Enum("flags"));

        var layout = new BtfLayout(types, "Linux 9.9.9");
        Assert.Equal(1, layout.EnumValue("skb_drop_reason", "SKB_CONSUMED"));
        Assert.Equal("this kernel's (Linux 9.9.9) enum skb_drop_reason has no SKB_DROP_REASON_NO_SOCKET",
            Assert.Throws<KernelLayoutException>(() => layout.EnumValue("skb_drop_reason", "SKB_DROP_REASON_NO_SOCKET")).Message);
    }

    [Fact]
    public void FunctionsGiveTheirPrototypeWithParameterNamesAndTypes()
    {
        var b = new BtfBlobBuilder();
        var s32 = b.Int("int", 4, signed: true);
        var chr = b.Int("char", 1, signed: true);
        var skb = b.Composite(BtfKind.Struct, "sk_buff", 8, ("len", s32, 0, 0));
        var reason = b.Enum("skb_drop_reason", 4, false, ("SKB_CONSUMED", 1));
        var sockFwd = b.Forward("sock");
        var callback = b.Pointer(b.FunctionProto(0, ("", b.Pointer(sockFwd))));
        var proto = b.FunctionProto(0, ("sk", b.Pointer(sockFwd)), ("skb", b.Pointer(skb)), ("reason", reason), ("cb", callback));
        b.Function("sk_skb_reason_drop", proto);
        var printk = b.FunctionProto(s32, ("fmt", b.Pointer(b.Modifier(BtfKind.Const, chr))), ("", 0));
        var printkId = b.Function("_printk", printk, BtfLinkage.Static);
        b.Typedef("btf_trace_sys_enter", b.Pointer(proto));
        var types = BtfTypes.Parse(b.Build(), "vmlinux");

        var drop = types.Function("sk_skb_reason_drop")!;
        Assert.Equal(new[] { "sk", "skb", "reason", "cb" }, drop.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { "struct sock *", "struct sk_buff *", "enum skb_drop_reason", "void (*)(struct sock *)" }, drop.Parameters.Select(p => p.TypeName));
        Assert.Equal(new[] { BtfKind.Pointer, BtfKind.Pointer, BtfKind.Enum, BtfKind.Pointer }, drop.Parameters.Select(p => p.Kind));
        Assert.Equal(4, drop.Parameters[2].SizeBytes);
        Assert.Equal("void", drop.ReturnTypeName);
        Assert.Equal("vmlinux", drop.Module);
        Assert.False(drop.IsVariadic);
        Assert.Equal("void sk_skb_reason_drop(struct sock *sk, struct sk_buff *skb, enum skb_drop_reason reason, void (*)(struct sock *) cb)", drop.ToString());

        var p = types.Function("_printk")!;
        Assert.Equal((printkId, BtfLinkage.Static, true, "int"), (p.Id, p.Linkage, p.IsVariadic, p.ReturnTypeName));
        Assert.Equal("const char *", Assert.Single(p.Parameters).TypeName);
        Assert.Null(types.Function("sk_buff")); // a struct, not a function
        Assert.True(types.TypedefId("btf_trace_sys_enter") > 0);
        Assert.Equal(0, types.TypedefId("btf_trace_sys_exit"));
    }

    [Fact]
    public void SplitBtfContinuesTheBasesIdsAndStringsAndSaysWhereATypeIsDefined()
    {
        var kernel = new BtfBlobBuilder();
        var s32 = kernel.Int("int", 4, signed: true);
        var skb = kernel.Composite(BtfKind.Struct, "sk_buff", 16, ("len", s32, 0, 0), ("head", kernel.Pointer(s32), 64, 0));
        var kernelTypes = BtfTypes.Parse(kernel.Build(), "vmlinux");

        var module = new BtfBlobBuilder(kernel);
        var conn = module.Composite(BtfKind.Struct, "nf_conn", 24, ("status", s32, 0, 0), ("skb", module.Pointer(skb), 64, 0), ("copy", skb, 64, 0));
        var proto = module.FunctionProto(s32, ("ct", module.Pointer(conn)));
        module.Function("nf_conntrack_in", proto);
        var moduleTypes = BtfTypes.Parse(module.Build(), "nf_conntrack", kernelTypes);

        Assert.Equal(kernelTypes.LastId + 1, moduleTypes.FirstId);
        Assert.Equal(conn, moduleTypes.FindComposite("nf_conn"));
        Assert.Equal(0, kernelTypes.FindComposite("nf_conn"));
        Assert.Equal(skb, moduleTypes.FindComposite("sk_buff")); // from the base
        Assert.Equal(0, moduleTypes.FindHere("sk_buff", BtfKind.Struct));
        Assert.Equal(16, moduleTypes.Field("nf_conn", "copy.head")!.ByteOffset);
        Assert.Equal("struct sk_buff *", moduleTypes.Field("nf_conn", "skb")!.TypeName);
        Assert.Equal("int", moduleTypes.NameOf(s32));
        var function = moduleTypes.Function("nf_conntrack_in")!;
        Assert.Equal(("nf_conntrack", "struct nf_conn *"), (function.Module, function.Parameters[0].TypeName));
        Assert.Throws<InvalidDataException>(() => moduleTypes[moduleTypes.LastId + 1]);
    }

    [Fact]
    public void MalformedOrNewerBtfIsRefusedWithAReason()
    {
        Assert.Contains("not BTF", Assert.Throws<InvalidDataException>(() => BtfTypes.Parse(new byte[40], "x")).Message);
        var b = new BtfBlobBuilder();
        b.Int("int", 4);
        b.Raw(31);
        Assert.Contains("unknown BTF kind 31", Assert.Throws<InvalidDataException>(() => BtfTypes.Parse(b.Build(), "x")).Message);
        var truncated = new BtfBlobBuilder();
        truncated.Int("int", 4);
        var blob = truncated.Build();
        Assert.Contains("beyond the end", Assert.Throws<InvalidDataException>(() => BtfTypes.Parse(blob[..^3], "x")).Message);
    }

    /// <summary>Reads a bitfield as a program would: load, shift left, shift right (arithmetic when signed).</summary>
    private static long Extract(BtfTypes types, string member, byte[] bytes, string structure = "flags")
    {
        var field = types.Field(structure, member)!;
        var load = field.Bitfield!.Value;
        var buffer = new byte[8];
        bytes.AsSpan(load.ByteOffset, load.SizeBytes).CopyTo(buffer);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(buffer) << load.ShiftLeft;
        return field.IsSigned ? (long)value >> load.ShiftRight : (long)(value >> load.ShiftRight);
    }
}
