using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// Each assembler method emits exactly the instruction its name says, encoded as the kernel's own macros
/// (include/linux/filter.h) encode it; the layer's code blocks (ring buffer reserve/output/submit/discard,
/// stack ids) have reviewed listings (Programs/*.txt) and pass the verifier.
/// To accept a changed listing after reviewing it: DIAG_UPDATE_LISTINGS=1 dotnet test ... --filter Bpf.AssemblerTests.
/// </summary>
public sealed class AssemblerTests
{
    /// <summary>Method, expected (code, dst | src &lt;&lt; 4, offset, imm) per the kernel's macros.</summary>
    private static readonly (string Method, Action<BpfAssembler> Emit, BpfInstruction[] Expected)[] Encodings =
    [
        ("Mov reg (BPF_MOV64_REG)", a => a.Mov(R6, R1), [new(0xbf, 0x16, 0, 0)]),
        ("Mov imm (BPF_MOV64_IMM)", a => a.Mov(R2, -7), [new(0xb7, 0x02, 0, -7)]),
        ("Add imm (BPF_ALU64_IMM ADD)", a => a.Add(R1, -4), [new(0x07, 0x01, 0, -4)]),
        ("Add reg", a => a.Add(R3, R2), [new(0x0f, 0x23, 0, 0)]),
        ("Sub imm", a => a.Sub(R1, 3), [new(0x17, 0x01, 0, 3)]),
        ("Sub reg", a => a.Sub(R2, R1), [new(0x1f, 0x12, 0, 0)]),
        ("Mul imm", a => a.Mul(R1, 10), [new(0x27, 0x01, 0, 10)]),
        ("Mul reg", a => a.Mul(R1, R2), [new(0x2f, 0x21, 0, 0)]),
        ("Div imm", a => a.Div(R1, 1000), [new(0x37, 0x01, 0, 1000)]),
        ("Div reg", a => a.Div(R1, R2), [new(0x3f, 0x21, 0, 0)]),
        ("Mod imm", a => a.Mod(R1, 7), [new(0x97, 0x01, 0, 7)]),
        ("Mod reg", a => a.Mod(R1, R2), [new(0x9f, 0x21, 0, 0)]),
        ("Or imm", a => a.Or(R1, 0x10), [new(0x47, 0x01, 0, 0x10)]),
        ("Or reg", a => a.Or(R1, R2), [new(0x4f, 0x21, 0, 0)]),
        ("And imm", a => a.And(R1, 0xff), [new(0x57, 0x01, 0, 0xff)]),
        ("And reg", a => a.And(R1, R2), [new(0x5f, 0x21, 0, 0)]),
        ("Xor imm", a => a.Xor(R1, 1), [new(0xa7, 0x01, 0, 1)]),
        ("Xor reg", a => a.Xor(R1, R2), [new(0xaf, 0x21, 0, 0)]),
        ("Lsh imm", a => a.Lsh(R2, 3), [new(0x67, 0x02, 0, 3)]),
        ("Lsh reg", a => a.Lsh(R2, R3), [new(0x6f, 0x32, 0, 0)]),
        ("Rsh imm", a => a.Rsh(R1, 32), [new(0x77, 0x01, 0, 32)]),
        ("Rsh reg", a => a.Rsh(R1, R3), [new(0x7f, 0x31, 0, 0)]),
        ("Arsh imm", a => a.Arsh(R1, 63), [new(0xc7, 0x01, 0, 63)]),
        ("Arsh reg", a => a.Arsh(R1, R3), [new(0xcf, 0x31, 0, 0)]),
        ("Neg (BPF_ALU64 | BPF_NEG)", a => a.Neg(R4), [new(0x87, 0x04, 0, 0)]),
        ("Mov32 reg (BPF_MOV32_REG)", a => a.Mov32(R1, R7), [new(0xbc, 0x71, 0, 0)]),
        ("Mov32 imm", a => a.Mov32(R1, -1), [new(0xb4, 0x01, 0, -1)]),
        ("Add32 imm", a => a.Add32(R1, 5), [new(0x04, 0x01, 0, 5)]),
        ("Add32 reg", a => a.Add32(R1, R2), [new(0x0c, 0x21, 0, 0)]),
        ("Sub32 imm", a => a.Sub32(R1, 5), [new(0x14, 0x01, 0, 5)]),
        ("Sub32 reg", a => a.Sub32(R1, R2), [new(0x1c, 0x21, 0, 0)]),
        ("Mul32 imm", a => a.Mul32(R1, 3), [new(0x24, 0x01, 0, 3)]),
        ("Mul32 reg", a => a.Mul32(R1, R2), [new(0x2c, 0x21, 0, 0)]),
        ("Or32 imm", a => a.Or32(R1, 8), [new(0x44, 0x01, 0, 8)]),
        ("Or32 reg", a => a.Or32(R1, R2), [new(0x4c, 0x21, 0, 0)]),
        ("And32 imm", a => a.And32(R1, 0xffff), [new(0x54, 0x01, 0, 0xffff)]),
        ("And32 reg", a => a.And32(R1, R2), [new(0x5c, 0x21, 0, 0)]),
        ("Xor32 imm", a => a.Xor32(R1, 2), [new(0xa4, 0x01, 0, 2)]),
        ("Xor32 reg", a => a.Xor32(R1, R2), [new(0xac, 0x21, 0, 0)]),
        ("Lsh32 imm", a => a.Lsh32(R1, 4), [new(0x64, 0x01, 0, 4)]),
        ("Rsh32 imm", a => a.Rsh32(R1, 4), [new(0x74, 0x01, 0, 4)]),
        ("Arsh32 imm", a => a.Arsh32(R1, 4), [new(0xc4, 0x01, 0, 4)]),
        ("Neg32", a => a.Neg32(R1), [new(0x84, 0x01, 0, 0)]),
        ("ToBigEndian 16 (BPF_ENDIAN(BPF_TO_BE))", a => a.ToBigEndian(R1, 16), [new(0xdc, 0x01, 0, 16)]),
        ("ToLittleEndian 64 (BPF_ENDIAN(BPF_TO_LE))", a => a.ToLittleEndian(R2, 64), [new(0xd4, 0x02, 0, 64)]),
        ("Load u8 (BPF_LDX_MEM(BPF_B))", a => a.Load(S.Byte, R1, R2, 3), [new(0x71, 0x21, 3, 0)]),
        ("Load u16", a => a.Load(S.HalfWord, R1, R2, -2), [new(0x69, 0x21, -2, 0)]),
        ("Load u32", a => a.Load(S.Word, R1, R2, 4), [new(0x61, 0x21, 4, 0)]),
        ("Load u64", a => a.Load(S.DoubleWord, R8, R6, 8), [new(0x79, 0x68, 8, 0)]),
        ("Store u8 reg (BPF_STX_MEM(BPF_B))", a => a.Store(S.Byte, R10, -1, R1), [new(0x73, 0x1a, -1, 0)]),
        ("Store u16 reg", a => a.Store(S.HalfWord, R10, -2, R1), [new(0x6b, 0x1a, -2, 0)]),
        ("Store u32 reg", a => a.Store(S.Word, R10, -4, R1), [new(0x63, 0x1a, -4, 0)]),
        ("Store u64 reg", a => a.Store(S.DoubleWord, R10, -8, R1), [new(0x7b, 0x1a, -8, 0)]),
        ("Store u8 imm (BPF_ST_MEM(BPF_B))", a => a.Store(S.Byte, R10, -1, 0x41), [new(0x72, 0x0a, -1, 0x41)]),
        ("Store u64 imm", a => a.Store(S.DoubleWord, R0, 0, 0), [new(0x7a, 0x00, 0, 0)]),
        ("AtomicAdd (BPF_ATOMIC_OP(BPF_DW, BPF_ADD))", a => a.AtomicAdd(R0, 8, R1), [new(0xdb, 0x10, 8, 0)]),
        ("AtomicAdd32 (BPF_ATOMIC_OP(BPF_W, BPF_ADD))", a => a.AtomicAdd32(R0, 4, R1), [new(0xc3, 0x10, 4, 0)]),
        ("LoadImm64 (BPF_LD_IMM64)", a => a.LoadImm64(R1, 0x1_2345_6789), [new(0x18, 0x01, 0, 0x2345_6789), new(0x00, 0x00, 0, 1)]),
        ("LoadMap (BPF_LD_MAP_FD)", a => a.LoadMap(R1, 7), [new(0x18, 0x11, 0, 7), new(0x00, 0x00, 0, 0)]),
        ("LoadMapValue (BPF_LD_MAP_VALUE)", a => a.LoadMapValue(R2, 7, 16), [new(0x18, 0x22, 0, 7), new(0x00, 0x00, 0, 16)]),
        ("Call (BPF_EMIT_CALL)", a => a.Call(BpfHelper.RingbufReserve), [new(0x85, 0x00, 0, 131)]),
        ("Exit (BPF_EXIT_INSN)", a => a.Exit(), [new(0x95, 0x00, 0, 0)]),
    ];

    [Fact]
    public void EachMethodEmitsTheKernelsEncodingOfItsInstruction()
    {
        foreach (var (method, emit, expected) in Encodings)
        {
            var a = new BpfAssembler();
            emit(a);
            Assert.True(expected.SequenceEqual(a.Build()), $"{method}: {string.Join(", ", a.Build())}");
        }
        Assert.Equal(8, System.Runtime.InteropServices.Marshal.SizeOf<BpfInstruction>());
    }

    [Fact]
    public void JumpsEncodeTheirConditionWidthAndDistance()
    {
        // BPF_JMP_IMM, BPF_JMP_REG, BPF_JMP32_IMM, BPF_JMP32_REG, BPF_JMP_A; offsets count from the next instruction.
        var a = new BpfAssembler();
        var end = a.NewLabel();
        var back = a.NewLabel();
        a.Mark(back);
        a.JumpIf(C.Greater, R9, 511, end);
        a.JumpIf(C.GreaterOrEqual, R2, R1, end);
        a.JumpIf(C.SignedGreater, R1, -1, end);
        a.JumpIf(C.SignedLessOrEqual, R1, R2, end);
        a.JumpIf(C.AnyBitSet, R1, 4, end);
        a.JumpIf32(C.NotEqual, R0, 4242, end);
        a.JumpIf32(C.SignedLess, R0, R3, back);
        a.Jump(back);
        a.Mark(end);
        a.Exit();
        Assert.Equal<BpfInstruction>(
        [
            new(0x25, 0x09, 7, 511),
            new(0x3d, 0x12, 6, 0),
            new(0x65, 0x01, 5, -1),
            new(0xdd, 0x21, 4, 0),
            new(0x45, 0x01, 3, 4),
            new(0x56, 0x00, 2, 4242),
            new(0xce, 0x30, -7, 0),
            new(0x05, 0x00, -8, 0),
            new(0x95, 0x00, 0, 0),
        ], a.Build());
    }

    [Fact]
    public void AJumpToAnUnplacedLabelIsRefused()
    {
        var a = new BpfAssembler();
        a.Jump(a.NewLabel());
        Assert.Throws<InvalidOperationException>(() => a.Build());
        var b = new BpfAssembler();
        var label = b.NewLabel();
        b.Mark(label);
        Assert.Throws<InvalidOperationException>(() => b.Mark(label));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.ToBigEndian(R1, 8));
    }

    [Fact]
    public void EveryInstructionHasAReviewedListing()
    {
        var a = new BpfAssembler();
        foreach (var (_, emit, _) in Encodings)
            emit(a);
        AssertListing("assembler", a.Build(), new Dictionary<int, string> { [7] = "fd7" });
    }

    [Fact]
    public void TheRingBufferAndStackBlocksHaveReviewedListingsAndPassTheVerifier()
    {
        using var ring = BpfRingBuffer.Create("diag_blocks", Environment.SystemPageSize);
        using var stacks = BpfStackTraceMap.Create("diag_blocks_st", 16);
        var a = new BpfAssembler();
        var discard = a.NewLabel();
        var output = a.NewLabel();
        var @out = a.NewLabel();
        a.Mov(R6, R1);
        ring.EmitReserve(a, 16, keySlot: -4, full: discard);
        a.Store(S.DoubleWord, R0, 0, 1);
        a.Store(S.DoubleWord, R0, 8, 2);
        BpfRingBuffer.EmitSubmit(a, R0);
        a.Mark(discard);
        ring.EmitReserve(a, 8, keySlot: -4, full: output);
        BpfRingBuffer.EmitDiscard(a, R0, BpfRingBuffer.NoWakeup);
        a.Mark(output);
        a.Store(S.DoubleWord, R10, -16, 3);
        a.Mov(R7, R10);
        a.Add(R7, -16);
        ring.EmitOutput(a, R7, 8, keySlot: -20);
        stacks.EmitGetStackId(a, R6, Libc.BPF_F_FAST_STACK_CMP);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        var code = a.Build();
        var names = new Dictionary<int, string>
        {
            [ring.Map.Fd.Value] = ring.Map.Name, [ring.Lost.Fd.Value] = ring.Lost.Name, [stacks.Map.Fd.Value] = stacks.Map.Name,
        };
        AssertListing("ring-buffer-and-stack-blocks", code, names);
        using var program = BpfProgram.LoadRawTracepoint("diag_blocks", code); // throws with the verifier's log
        Assert.Equal(code.Length, program.InstructionCount);
    }

    private static void AssertListing(string name, BpfInstruction[] code, IReadOnlyDictionary<int, string> mapNames)
    {
        var listing = $"# {name} ({code.Length} instructions)\n" + BpfListing.Render(code, mapNames);
        var file = Path.Combine(SourceDirectory(), "Programs", name + ".txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, listing);
        }
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
