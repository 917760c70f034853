namespace Diag.Linux.Dwarf;

/// <summary>The bytes of one section of an object file, read on demand (a file may be large and only a
/// few records of it are needed), and the address the section is linked at.</summary>
internal interface ISectionData
{
    /// <summary>The section's link-time address (sh_addr), for pc-relative pointers.</summary>
    ulong Address { get; }

    long Size { get; }

    /// <summary>Copies bytes from <paramref name="offset"/> within the section; returns how many were copied.</summary>
    int Read(long offset, Span<byte> destination);
}
