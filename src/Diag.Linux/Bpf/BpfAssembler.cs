using static Diag.Linux.Bpf.BpfOpcode;

namespace Diag.Linux.Bpf;

/// <summary>
/// Builds an eBPF program instruction by instruction, with forward and backward jump labels. Each method
/// emits exactly the instruction its name says (the 64-bit immediate loads, two slots), so a program written
/// with it reads like the kernel's own assembler listing and can be reviewed line by line. Methods without a
/// width in their name work on the whole 64-bit register; the ones ending in 32 on the low half, zeroing the
/// upper half of the destination as the kernel's 32-bit ALU does.
/// </summary>
internal sealed class BpfAssembler
{
    private readonly List<BpfInstruction> _code = new();
    private readonly List<(int At, Label Target)> _jumps = new();

    /// <summary>A jump target; place it with <see cref="Mark"/>.</summary>
    public sealed class Label
    {
        internal int Position = -1;
    }

    public int Count => _code.Count;

    public Label NewLabel() => new();

    /// <summary>Places <paramref name="label"/> at the next instruction.</summary>
    public void Mark(Label label)
    {
        if (label.Position >= 0)
            throw new InvalidOperationException("label placed twice");
        label.Position = _code.Count;
    }

    // ---- 64-bit ALU ----

    /// <summary>dst = src (64-bit).</summary>
    public void Mov(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Mov, dst, src);

    /// <summary>dst = imm (sign-extended to 64 bits).</summary>
    public void Mov(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Mov, dst, imm);

    /// <summary>dst += imm.</summary>
    public void Add(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Add, dst, imm);

    /// <summary>dst += src.</summary>
    public void Add(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Add, dst, src);

    /// <summary>dst -= imm.</summary>
    public void Sub(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Sub, dst, imm);

    /// <summary>dst -= src.</summary>
    public void Sub(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Sub, dst, src);

    /// <summary>dst *= imm.</summary>
    public void Mul(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Mul, dst, imm);

    /// <summary>dst *= src.</summary>
    public void Mul(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Mul, dst, src);

    /// <summary>dst /= imm (unsigned; a zero divisor gives 0).</summary>
    public void Div(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Div, dst, imm);

    /// <summary>dst /= src (unsigned; a zero divisor gives 0).</summary>
    public void Div(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Div, dst, src);

    /// <summary>dst %= imm (unsigned; a zero divisor leaves dst).</summary>
    public void Mod(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Mod, dst, imm);

    /// <summary>dst %= src (unsigned; a zero divisor leaves dst).</summary>
    public void Mod(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Mod, dst, src);

    /// <summary>dst |= imm (sign-extended).</summary>
    public void Or(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Or, dst, imm);

    /// <summary>dst |= src.</summary>
    public void Or(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Or, dst, src);

    /// <summary>dst &amp;= imm (sign-extended).</summary>
    public void And(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.And, dst, imm);

    /// <summary>dst &amp;= src.</summary>
    public void And(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.And, dst, src);

    /// <summary>dst ^= imm (sign-extended).</summary>
    public void Xor(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Xor, dst, imm);

    /// <summary>dst ^= src.</summary>
    public void Xor(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Xor, dst, src);

    /// <summary>dst &lt;&lt;= imm.</summary>
    public void Lsh(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Lsh, dst, imm);

    /// <summary>dst &lt;&lt;= src.</summary>
    public void Lsh(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Lsh, dst, src);

    /// <summary>dst &gt;&gt;= imm (logical).</summary>
    public void Rsh(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Rsh, dst, imm);

    /// <summary>dst &gt;&gt;= src (logical).</summary>
    public void Rsh(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Rsh, dst, src);

    /// <summary>dst s&gt;&gt;= imm (arithmetic: the sign bit is copied in).</summary>
    public void Arsh(BpfRegister dst, int imm) => Alu64Imm(BpfOpcode.Arsh, dst, imm);

    /// <summary>dst s&gt;&gt;= src (arithmetic).</summary>
    public void Arsh(BpfRegister dst, BpfRegister src) => Alu64Reg(BpfOpcode.Arsh, dst, src);

    /// <summary>dst = -dst.</summary>
    public void Neg(BpfRegister dst) => Emit(Alu64 | BpfOpcode.Neg | K, dst, 0, 0, 0);

    // ---- 32-bit ALU: the upper half of dst becomes 0 ----

    /// <summary>dst = (u32)src: the low 32 bits, zero-extended (the thread id of a pid_tgid).</summary>
    public void Mov32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.Mov, dst, src);

    /// <summary>dst = (u32)imm, zero-extended.</summary>
    public void Mov32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Mov, dst, imm);

    /// <summary>(u32)dst += imm.</summary>
    public void Add32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Add, dst, imm);

    /// <summary>(u32)dst += (u32)src.</summary>
    public void Add32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.Add, dst, src);

    /// <summary>(u32)dst -= imm.</summary>
    public void Sub32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Sub, dst, imm);

    /// <summary>(u32)dst -= (u32)src.</summary>
    public void Sub32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.Sub, dst, src);

    /// <summary>(u32)dst *= imm.</summary>
    public void Mul32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Mul, dst, imm);

    /// <summary>(u32)dst *= (u32)src.</summary>
    public void Mul32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.Mul, dst, src);

    /// <summary>(u32)dst |= imm.</summary>
    public void Or32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Or, dst, imm);

    /// <summary>(u32)dst |= (u32)src.</summary>
    public void Or32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.Or, dst, src);

    /// <summary>(u32)dst &amp;= imm.</summary>
    public void And32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.And, dst, imm);

    /// <summary>(u32)dst &amp;= (u32)src.</summary>
    public void And32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.And, dst, src);

    /// <summary>(u32)dst ^= imm.</summary>
    public void Xor32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Xor, dst, imm);

    /// <summary>(u32)dst ^= (u32)src.</summary>
    public void Xor32(BpfRegister dst, BpfRegister src) => Alu32Reg(BpfOpcode.Xor, dst, src);

    /// <summary>(u32)dst &lt;&lt;= imm.</summary>
    public void Lsh32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Lsh, dst, imm);

    /// <summary>(u32)dst &gt;&gt;= imm (logical).</summary>
    public void Rsh32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Rsh, dst, imm);

    /// <summary>(s32)dst &gt;&gt;= imm (arithmetic), zero-extended.</summary>
    public void Arsh32(BpfRegister dst, int imm) => Alu32Imm(BpfOpcode.Arsh, dst, imm);

    /// <summary>(u32)dst = -(u32)dst.</summary>
    public void Neg32(BpfRegister dst) => Emit(Alu | BpfOpcode.Neg | K, dst, 0, 0, 0);

    /// <summary>dst = the low <paramref name="bits"/> (16, 32 or 64) of dst in big-endian (network) byte order,
    /// zero-extended: ntohs/ntohl on a little-endian machine.</summary>
    public void ToBigEndian(BpfRegister dst, int bits) => Emit(Alu | End | X, dst, 0, 0, CheckSwapWidth(bits));

    /// <summary>dst = the low <paramref name="bits"/> (16, 32 or 64) of dst in little-endian byte order,
    /// zero-extended (on x86_64 only the truncation).</summary>
    public void ToLittleEndian(BpfRegister dst, int bits) => Emit(Alu | End | K, dst, 0, 0, CheckSwapWidth(bits));

    // ---- memory ----

    /// <summary>dst = *(size *)(src + offset), zero-extended.</summary>
    public void Load(BpfSize size, BpfRegister dst, BpfRegister src, short offset) =>
        Emit((byte)(Ldx | Mem | (byte)size), dst, src, offset, 0);

    /// <summary>*(size *)(dst + offset) = src.</summary>
    public void Store(BpfSize size, BpfRegister dst, short offset, BpfRegister src) =>
        Emit((byte)(Stx | Mem | (byte)size), dst, src, offset, 0);

    /// <summary>*(size *)(dst + offset) = imm.</summary>
    public void Store(BpfSize size, BpfRegister dst, short offset, int imm) =>
        Emit((byte)(St | Mem | (byte)size), dst, 0, offset, imm);

    /// <summary>lock *(u64 *)(dst + offset) += src: an atomic add (BPF_XADD, Linux 3.18+).</summary>
    public void AtomicAdd(BpfRegister dst, short offset, BpfRegister src) =>
        Emit(Stx | Atomic | DW, dst, src, offset, 0);

    /// <summary>lock *(u32 *)(dst + offset) += src.</summary>
    public void AtomicAdd32(BpfRegister dst, short offset, BpfRegister src) =>
        Emit(Stx | Atomic | W, dst, src, offset, 0);

    /// <summary>dst = <paramref name="value"/>, a full 64-bit immediate (a 16-byte instruction).</summary>
    public void LoadImm64(BpfRegister dst, long value)
    {
        Emit(Ld | Imm | DW, dst, 0, 0, (int)value);
        Emit(0, 0, 0, 0, (int)(value >> 32));
    }

    /// <summary>dst = the map whose file descriptor is <paramref name="mapFd"/> (a 16-byte instruction).</summary>
    public void LoadMap(BpfRegister dst, int mapFd)
    {
        Emit(Ld | Imm | DW, dst, (BpfRegister)PseudoMapFd, 0, mapFd);
        Emit(0, 0, 0, 0, 0);
    }

    /// <summary>dst = <paramref name="map"/> (a 16-byte instruction). The map must stay open until the program
    /// is loaded: the instruction names it by descriptor number.</summary>
    public void LoadMap(BpfRegister dst, BpfMap map) => LoadMap(dst, map.Fd.Value);

    /// <summary>dst = &amp;value + <paramref name="offset"/> of a single-entry array map (a 16-byte instruction,
    /// Linux 5.2): the program reads or writes the value in place, without a lookup. A frozen map with
    /// BPF_F_RDONLY_PROG makes the value known to the verifier (read-only data such as format strings).</summary>
    public void LoadMapValue(BpfRegister dst, int mapFd, int offset)
    {
        Emit(Ld | Imm | DW, dst, (BpfRegister)PseudoMapValue, 0, mapFd);
        Emit(0, 0, 0, 0, offset);
    }

    /// <summary>dst = &amp;value + <paramref name="offset"/> of <paramref name="map"/> (a single-entry array).</summary>
    public void LoadMapValue(BpfRegister dst, BpfMap map, int offset) => LoadMapValue(dst, map.Fd.Value, offset);

    // ---- calls and jumps ----

    /// <summary>r0 = helper(r1, ..., r5); r1–r5 are clobbered.</summary>
    public void Call(BpfHelper helper) => Emit(Jmp | BpfOpcode.Call, 0, 0, 0, (int)helper);

    /// <summary>r0 = map_lookup_elem(map, r10 + keySlot): the value for the key on the stack, or null (r1–r5 clobbered).</summary>
    public void LookupStackKey(BpfMap map, int keySlot)
    {
        LoadMap(BpfRegister.R1, map);
        Mov(BpfRegister.R2, BpfRegister.R10);
        Add(BpfRegister.R2, keySlot);
        Call(BpfHelper.MapLookupElem);
    }

    /// <summary>r0 = map_update_elem(map, r10 + keySlot, r10 + valueSlot, flags): key and value on the stack
    /// (r1–r5 clobbered).</summary>
    public void UpdateFromStack(BpfMap map, int keySlot, int valueSlot, ulong flags)
    {
        LoadMap(BpfRegister.R1, map);
        Mov(BpfRegister.R2, BpfRegister.R10);
        Add(BpfRegister.R2, keySlot);
        Mov(BpfRegister.R3, BpfRegister.R10);
        Add(BpfRegister.R3, valueSlot);
        Mov(BpfRegister.R4, (int)flags);
        Call(BpfHelper.MapUpdateElem);
    }

    /// <summary>return r0.</summary>
    public void Exit() => Emit(Jmp | BpfOpcode.Exit, 0, 0, 0, 0);

    /// <summary>goto target.</summary>
    public void Jump(Label target) => EmitJump(Jmp | Ja, 0, 0, 0, target);

    /// <summary>if (dst cond imm) goto target, comparing 64 bits (imm sign-extended).</summary>
    public void JumpIf(BpfCondition condition, BpfRegister dst, int imm, Label target) =>
        EmitJump((byte)(Jmp | (byte)condition | K), dst, 0, imm, target);

    /// <summary>if (dst cond src) goto target, comparing 64 bits.</summary>
    public void JumpIf(BpfCondition condition, BpfRegister dst, BpfRegister src, Label target) =>
        EmitJump((byte)(Jmp | (byte)condition | X), dst, src, 0, target);

    /// <summary>if ((u32)dst cond imm) goto target, comparing the low 32 bits (Linux 5.1).</summary>
    public void JumpIf32(BpfCondition condition, BpfRegister dst, int imm, Label target) =>
        EmitJump((byte)(Jmp32 | (byte)condition | K), dst, 0, imm, target);

    /// <summary>if ((u32)dst cond (u32)src) goto target (Linux 5.1).</summary>
    public void JumpIf32(BpfCondition condition, BpfRegister dst, BpfRegister src, Label target) =>
        EmitJump((byte)(Jmp32 | (byte)condition | X), dst, src, 0, target);

    /// <summary>The program, with every jump resolved.</summary>
    public BpfInstruction[] Build()
    {
        var code = _code.ToArray();
        foreach (var (at, target) in _jumps)
        {
            if (target.Position < 0)
                throw new InvalidOperationException($"instruction {at} jumps to a label that was never placed");
            var offset = target.Position - (at + 1);
            if (offset is < short.MinValue or > short.MaxValue)
                throw new InvalidOperationException("jump too far");
            code[at] = code[at] with { Offset = (short)offset };
        }
        return code;
    }

    private void Alu64Imm(byte operation, BpfRegister dst, int imm) => Emit((byte)(Alu64 | operation | K), dst, 0, 0, imm);

    private void Alu64Reg(byte operation, BpfRegister dst, BpfRegister src) => Emit((byte)(Alu64 | operation | X), dst, src, 0, 0);

    private void Alu32Imm(byte operation, BpfRegister dst, int imm) => Emit((byte)(Alu | operation | K), dst, 0, 0, imm);

    private void Alu32Reg(byte operation, BpfRegister dst, BpfRegister src) => Emit((byte)(Alu | operation | X), dst, src, 0, 0);

    private static int CheckSwapWidth(int bits) =>
        bits is 16 or 32 or 64 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "a byte swap is 16, 32 or 64 bits wide");

    private void Emit(byte code, BpfRegister dst, BpfRegister src, short offset, int imm) =>
        _code.Add(new BpfInstruction(code, dst, src, offset, imm));

    private void EmitJump(byte code, BpfRegister dst, BpfRegister src, int imm, Label target)
    {
        _jumps.Add((_code.Count, target));
        Emit(code, dst, src, 0, imm);
    }
}
