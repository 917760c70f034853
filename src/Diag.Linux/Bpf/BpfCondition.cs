using static Diag.Linux.Bpf.BpfOpcode;

namespace Diag.Linux.Bpf;

/// <summary>A jump condition: unsigned comparisons by default, signed ones named so, and a bit test.</summary>
internal enum BpfCondition : byte
{
    Equal = Jeq,
    NotEqual = Jne,
    Greater = Jgt,
    GreaterOrEqual = Jge,
    Less = Jlt,
    LessOrEqual = Jle,
    SignedGreater = Jsgt,
    SignedGreaterOrEqual = Jsge,
    SignedLess = Jslt,
    SignedLessOrEqual = Jsle,

    /// <summary>dst &amp; operand is not zero.</summary>
    AnyBitSet = Jset,
}
