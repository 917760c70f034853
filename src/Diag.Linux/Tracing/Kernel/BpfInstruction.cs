using System.Runtime.InteropServices;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>An eBPF register: r0 return value, r1–r5 call arguments (clobbered by calls), r6–r9 kept
/// across calls, r10 the read-only frame pointer.</summary>
internal enum BpfRegister : byte
{
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10,
}

/// <summary>One <c>struct bpf_insn</c>: opcode, destination and source registers (4 bits each), a signed
/// 16-bit offset and a signed 32-bit immediate. Layout and opcodes: the kernel's
/// <c>include/uapi/linux/bpf.h</c> and <c>Documentation/bpf/standardization/instruction-set.rst</c>.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal readonly record struct BpfInstruction(byte Code, byte Registers, short Offset, int Immediate)
{
    public BpfInstruction(byte code, BpfRegister destination, BpfRegister source, short offset, int immediate)
        : this(code, (byte)((byte)destination | ((byte)source << 4)), offset, immediate)
    {
    }

    public BpfRegister Destination => (BpfRegister)(Registers & 0x0f);

    public BpfRegister Source => (BpfRegister)(Registers >> 4);
}

/// <summary>Opcode bits (instruction class, size, mode, operation, source).</summary>
internal static class BpfOpcode
{
    // Classes.
    public const byte Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Alu64 = 0x07;

    // Sizes.
    public const byte W = 0x00, H = 0x08, B = 0x10, DW = 0x18;

    // Modes.
    public const byte Imm = 0x00, Mem = 0x60, Atomic = 0xc0;

    // Source: the immediate (K) or the source register (X).
    public const byte K = 0x00, X = 0x08;

    // ALU operations.
    public const byte Add = 0x00, Sub = 0x10, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70, Mov = 0xb0;

    // Jump operations.
    public const byte Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jne = 0x50, Call = 0x80, Exit = 0x90, Jlt = 0xa0, Jle = 0xb0;

    /// <summary>src_reg of the first half of a 64-bit immediate load that names a map by fd.</summary>
    public const byte PseudoMapFd = 1;
}

/// <summary>Kernel helper functions the programs call (<c>enum bpf_func_id</c>).</summary>
internal enum BpfHelper
{
    MapLookupElem = 1,
    MapUpdateElem = 2,
    ProbeRead = 4,
    KtimeGetNs = 5,
    GetCurrentPidTgid = 14,
    ProbeReadKernel = 113,
}
