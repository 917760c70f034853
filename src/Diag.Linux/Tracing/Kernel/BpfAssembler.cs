using static Diag.Linux.Tracing.Kernel.BpfOpcode;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>The width of a memory access.</summary>
internal enum BpfSize : byte
{
    Word = W,       // 4 bytes
    DoubleWord = DW, // 8 bytes
}

/// <summary>A jump condition; comparisons are unsigned, as the programs only compare ids, counts and times.</summary>
internal enum BpfCondition : byte
{
    Equal = Jeq,
    NotEqual = Jne,
    Greater = Jgt,
    GreaterOrEqual = Jge,
    Less = Jlt,
    LessOrEqual = Jle,
}

/// <summary>
/// Builds an eBPF program instruction by instruction, with forward and backward jump labels. Each method
/// emits exactly the instruction its name says (two for <see cref="LoadMap"/>), so a program written with it
/// reads like the kernel's own assembler listing and can be reviewed line by line.
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

    /// <summary>dst = src (64-bit).</summary>
    public void Mov(BpfRegister dst, BpfRegister src) => Emit(Alu64 | BpfOpcode.Mov | X, dst, src, 0, 0);

    /// <summary>dst = imm (sign-extended to 64 bits).</summary>
    public void Mov(BpfRegister dst, int imm) => Emit(Alu64 | BpfOpcode.Mov | K, dst, 0, 0, imm);

    /// <summary>dst = (u32)src: the low 32 bits, zero-extended (the thread id of a pid_tgid).</summary>
    public void Mov32(BpfRegister dst, BpfRegister src) => Emit(Alu | BpfOpcode.Mov | X, dst, src, 0, 0);

    /// <summary>dst += imm.</summary>
    public void Add(BpfRegister dst, int imm) => Emit(Alu64 | BpfOpcode.Add | K, dst, 0, 0, imm);

    /// <summary>dst += src.</summary>
    public void Add(BpfRegister dst, BpfRegister src) => Emit(Alu64 | BpfOpcode.Add | X, dst, src, 0, 0);

    /// <summary>dst -= src.</summary>
    public void Sub(BpfRegister dst, BpfRegister src) => Emit(Alu64 | BpfOpcode.Sub | X, dst, src, 0, 0);

    /// <summary>dst &lt;&lt;= imm.</summary>
    public void Lsh(BpfRegister dst, int imm) => Emit(Alu64 | BpfOpcode.Lsh | K, dst, 0, 0, imm);

    /// <summary>dst &gt;&gt;= imm (logical).</summary>
    public void Rsh(BpfRegister dst, int imm) => Emit(Alu64 | BpfOpcode.Rsh | K, dst, 0, 0, imm);

    /// <summary>dst = *(size *)(src + offset).</summary>
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

    /// <summary>dst = the map whose file descriptor is <paramref name="mapFd"/> (a 16-byte instruction).</summary>
    public void LoadMap(BpfRegister dst, int mapFd)
    {
        Emit(Ld | Imm | DW, dst, (BpfRegister)PseudoMapFd, 0, mapFd);
        Emit(0, 0, 0, 0, 0);
    }

    /// <summary>r0 = helper(r1, ..., r5); r1–r5 are clobbered.</summary>
    public void Call(BpfHelper helper) => Emit(Jmp | BpfOpcode.Call, 0, 0, 0, (int)helper);

    /// <summary>return r0.</summary>
    public void Exit() => Emit(Jmp | BpfOpcode.Exit, 0, 0, 0, 0);

    /// <summary>goto target.</summary>
    public void Jump(Label target) => EmitJump(Jmp | Ja, 0, 0, 0, target);

    /// <summary>if (dst cond imm) goto target.</summary>
    public void JumpIf(BpfCondition condition, BpfRegister dst, int imm, Label target) =>
        EmitJump((byte)(Jmp | (byte)condition | K), dst, 0, imm, target);

    /// <summary>if (dst cond src) goto target.</summary>
    public void JumpIf(BpfCondition condition, BpfRegister dst, BpfRegister src, Label target) =>
        EmitJump((byte)(Jmp | (byte)condition | X), dst, src, 0, target);

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

    private void Emit(byte code, BpfRegister dst, BpfRegister src, short offset, int imm) =>
        _code.Add(new BpfInstruction(code, dst, src, offset, imm));

    private void EmitJump(byte code, BpfRegister dst, BpfRegister src, int imm, Label target)
    {
        _jumps.Add((_code.Count, target));
        Emit(code, dst, src, 0, imm);
    }
}
