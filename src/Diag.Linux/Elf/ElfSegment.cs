namespace Diag.Linux.Elf;

/// <summary>A program header (PT_LOAD and the few others the unwinder reads).</summary>
internal readonly record struct ElfSegment(uint Type, uint Flags, long Offset, ulong VirtualAddress, long FileSize, ulong MemorySize)
{
    public const uint PT_LOAD = 1, PT_NOTE = 4, PT_GNU_EH_FRAME = 0x6474e550;
    public const uint PF_X = 1;

    public bool IsExecutable => (Flags & PF_X) != 0;
}
