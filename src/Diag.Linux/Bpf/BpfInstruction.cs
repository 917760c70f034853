using System.Runtime.InteropServices;

namespace Diag.Linux.Bpf;

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
