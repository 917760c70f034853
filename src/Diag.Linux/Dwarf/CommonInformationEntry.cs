namespace Diag.Linux.Dwarf;

/// <summary>A CIE: what the FDEs that point to it share (alignment factors, return address column,
/// pointer encoding, whether they describe a signal frame) and the initial instructions.</summary>
internal sealed class CommonInformationEntry
{
    public required ulong CodeAlignment { get; init; }

    public required long DataAlignment { get; init; }

    public required int ReturnAddressRegister { get; init; }

    /// <summary>DW_EH_PE_* of the FDEs' addresses ('R' augmentation); absptr in .debug_frame.</summary>
    public required byte FdeEncoding { get; init; }

    /// <summary>'z' augmentation: FDEs carry augmentation data to skip.</summary>
    public required bool HasAugmentationData { get; init; }

    /// <summary>'S' augmentation: the frame is a signal trampoline (glibc's __restore_rt); the PC of its
    /// caller is where the signal interrupted it, not a return address.</summary>
    public required bool IsSignalFrame { get; init; }

    /// <summary>The initial instructions, run before each FDE's own.</summary>
    public required byte[] Instructions { get; init; }
}
