namespace Diag.Linux.Dwarf;

/// <summary>Unwind or symbol data that does not parse: a truncated record, an unknown opcode. The
/// unwinder ends the stack there rather than guess.</summary>
internal sealed class DwarfFormatException : Exception
{
    public DwarfFormatException(string message) : base(message) { }
}
