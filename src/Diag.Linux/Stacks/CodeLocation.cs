namespace Diag.Linux.Stacks;

/// <summary>What an address of the target is: the mapping it falls in, and when that maps an ELF file (or
/// the vDSO), its image, its load bias (runtime address minus link-time address) and the host path it
/// was opened by (empty for the vDSO).</summary>
internal readonly record struct CodeLocation(MemoryMapping Mapping, ModuleImage? Image, ulong Bias, string OpenedPath = "")
{
    /// <summary>The link-time address (what addr2line and the file's tables use).</summary>
    public ulong LinkAddress(ulong address) => unchecked(address - Bias);
}
