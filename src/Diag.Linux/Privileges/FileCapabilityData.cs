using System.Buffers.Binary;

namespace Diag.Linux.Privileges;

/// <summary>
/// The <c>security.capability</c> attribute (struct vfs_cap_data, linux/capability.h, little-endian): magic_etc (the
/// revision in the top byte, VFS_CAP_FLAGS_EFFECTIVE in bit 0), then permitted and inheritable words: one pair for
/// revision 1 (12 bytes), two for revision 2 (20 bytes), two and the namespace root's uid for revision 3 (24 bytes,
/// Linux 4.14: capabilities set inside a user namespace, valid only where that uid is root).
/// </summary>
internal readonly record struct FileCapabilityData(int Revision, bool Effective, ulong Permitted, ulong Inheritable, uint? RootId)
{
    private const uint RevisionMask = 0xFF000000, Revision1 = 0x01000000, Revision2 = 0x02000000, Revision3 = 0x03000000, EffectiveFlag = 1;

    /// <summary>The attribute decoded; null when its length or revision is not one the kernel writes.</summary>
    public static FileCapabilityData? Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4) return null;
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(value);
        bool effective = (magic & EffectiveFlag) != 0;
        switch (magic & RevisionMask)
        {
            case Revision1 when value.Length == 12:
                return new FileCapabilityData(1, effective, BinaryPrimitives.ReadUInt32LittleEndian(value[4..]), BinaryPrimitives.ReadUInt32LittleEndian(value[8..]), null);
            case Revision2 when value.Length == 20:
            case Revision3 when value.Length == 24:
                ulong permitted = BinaryPrimitives.ReadUInt32LittleEndian(value[4..]) | (ulong)BinaryPrimitives.ReadUInt32LittleEndian(value[12..]) << 32;
                ulong inheritable = BinaryPrimitives.ReadUInt32LittleEndian(value[8..]) | (ulong)BinaryPrimitives.ReadUInt32LittleEndian(value[16..]) << 32;
                return new FileCapabilityData(value.Length == 24 ? 3 : 2, effective, permitted, inheritable,
                    value.Length == 24 ? BinaryPrimitives.ReadUInt32LittleEndian(value[20..]) : null);
            default:
                return null;
        }
    }

    /// <summary>The attribute's bytes (what setcap writes; revision 3 when a root id is given).</summary>
    public byte[] Encode()
    {
        var bytes = new byte[RootId is null ? 20 : 24];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (RootId is null ? Revision2 : Revision3) | (Effective ? EffectiveFlag : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)Permitted);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)Inheritable);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)(Permitted >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)(Inheritable >> 32));
        if (RootId is uint root) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), root);
        return bytes;
    }

    /// <summary>The effective set as getcap counts it: the permitted and inheritable bits when the flag is set.</summary>
    public ulong EffectiveSet => Effective ? Permitted | Inheritable : 0;

    /// <summary>As getcap prints it (cap_net_raw=ep).</summary>
    public string Text => CapabilityText.Format(EffectiveSet, Permitted, Inheritable);
}
