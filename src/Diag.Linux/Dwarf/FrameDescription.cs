namespace Diag.Linux.Dwarf;

/// <summary>An FDE: the code range it covers (link-time addresses) and its call frame instructions.</summary>
internal sealed class FrameDescription
{
    public required CommonInformationEntry Cie { get; init; }

    public required ulong Start { get; init; }

    public required ulong End { get; init; }

    public required byte[] Instructions { get; init; }

    /// <summary>The address of <see cref="Instructions"/>[0], for a pc-relative DW_CFA_set_loc.</summary>
    public required ulong InstructionsAddress { get; init; }

    public bool Contains(ulong address) => address >= Start && address < End;
}
