using static Diag.Linux.Bpf.BpfOpcode;

namespace Diag.Linux.Bpf;

/// <summary>The width of a memory access.</summary>
internal enum BpfSize : byte
{
    Byte = B,        // 1 byte
    HalfWord = H,    // 2 bytes
    Word = W,        // 4 bytes
    DoubleWord = DW, // 8 bytes
}
