namespace Diag.Linux.Dwarf;

/// <summary>
/// The row of the call frame table for one address: how to compute the CFA (a register plus an offset,
/// or an expression) and the rule of each register. Registers above <see cref="RegisterCount"/> (vector
/// registers) are parsed but not kept: unwinding needs the general registers only.
/// </summary>
internal sealed class UnwindRow
{
    /// <summary>x86_64 DWARF registers 0-16: rax rdx rcx rbx rsi rdi rbp rsp r8-r15, and 16 the return address (rip).</summary>
    public const int RegisterCount = 17;

    public readonly RegisterRule[] Rules = new RegisterRule[RegisterCount];

    public int CfaRegister { get; set; } = -1;

    public long CfaOffset { get; set; }

    /// <summary>Set by DW_CFA_def_cfa_expression: the CFA is the expression's value.</summary>
    public byte[]? CfaExpression { get; set; }

    public UnwindRow Clone()
    {
        var copy = new UnwindRow { CfaRegister = CfaRegister, CfaOffset = CfaOffset, CfaExpression = CfaExpression };
        Rules.CopyTo(copy.Rules, 0);
        return copy;
    }

    public void SetRule(ulong register, RegisterRule rule)
    {
        if (register < RegisterCount) Rules[register] = rule;
    }
}
