namespace Diag.Linux.Dwarf;

/// <summary>How to find a register's value in the caller (DWARF 5, 6.4.1).</summary>
internal enum RegisterRuleKind : byte
{
    /// <summary>No rule: the register keeps its value (callee-saved registers the function did not touch).</summary>
    Unspecified,
    Undefined,
    SameValue,
    /// <summary>Saved at CFA + N.</summary>
    Offset,
    /// <summary>The value is CFA + N.</summary>
    ValueOffset,
    /// <summary>The value is in register N.</summary>
    Register,
    /// <summary>Saved at the address an expression computes (CFA pushed first).</summary>
    Expression,
    /// <summary>The value is what an expression computes (CFA pushed first).</summary>
    ValueExpression,
}

/// <summary>One register's rule: a kind and its operand (offset or register number), or an expression.</summary>
internal readonly record struct RegisterRule(RegisterRuleKind Kind, long Operand = 0, byte[]? Expression = null);
