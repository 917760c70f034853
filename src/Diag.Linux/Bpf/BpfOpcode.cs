namespace Diag.Linux.Bpf;

/// <summary>Opcode bits (instruction class, size, mode, operation, source): the kernel's
/// <c>include/uapi/linux/bpf_common.h</c> and <c>bpf.h</c>.</summary>
internal static class BpfOpcode
{
    // Classes.
    public const byte Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Jmp32 = 0x06, Alu64 = 0x07;

    // Sizes.
    public const byte W = 0x00, H = 0x08, B = 0x10, DW = 0x18;

    // Modes.
    public const byte Imm = 0x00, Mem = 0x60, Atomic = 0xc0;

    // Source: the immediate (K) or the source register (X); for BPF_END, to little (K) or big endian (X).
    public const byte K = 0x00, X = 0x08;

    // ALU operations.
    public const byte Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70,
        Neg = 0x80, Mod = 0x90, Xor = 0xa0, Mov = 0xb0, Arsh = 0xc0, End = 0xd0;

    // Jump operations.
    public const byte Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40, Jne = 0x50, Jsgt = 0x60, Jsge = 0x70,
        Call = 0x80, Exit = 0x90, Jlt = 0xa0, Jle = 0xb0, Jslt = 0xc0, Jsle = 0xd0;

    /// <summary>src_reg of the first half of a 64-bit immediate load that names a map by fd.</summary>
    public const byte PseudoMapFd = 1;

    /// <summary>src_reg of a 64-bit immediate load of the address of a map's value (fd, then the offset in the
    /// second half): an array map's value read or written directly, as a global variable.</summary>
    public const byte PseudoMapValue = 2;
}
