using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// The file status structures as strace prints them by default (abbreviated, without -v): struct stat
/// <c>{st_mode=S_IFREG|0644, st_size=1234, ...}</c> (st_rdev for devices), struct statx
/// <c>{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1234, ...}</c>
/// and struct statfs in full. x86_64 layouts.
/// </summary>
internal static class StatFormatter
{
    private const int StatSize = 144, StatxSize = 256, StatfsSize = 120;
    // File type bits of st_mode (S_IFMT, S_IFCHR, S_IFBLK).
    private const uint TypeMask = 0xf000, CharacterDevice = 0x2000, BlockDevice = 0x6000;

    public static string ReadStat(ITraceeMemory memory, ulong address)
    {
        Span<byte> st = stackalloc byte[StatSize];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, st))
            return NumberText.Pointer(address);
        var mode = BinaryPrimitives.ReadUInt32LittleEndian(st[24..]);
        var text = new StringBuilder("{st_mode=").Append(Mode(mode));
        if ((mode & TypeMask) is CharacterDevice or BlockDevice)
            text.Append(", st_rdev=").Append(Makedev(BinaryPrimitives.ReadUInt64LittleEndian(st[40..])));
        else
            text.Append(", st_size=").Append(BinaryPrimitives.ReadInt64LittleEndian(st[48..]).ToString(CultureInfo.InvariantCulture));
        return text.Append(", ...}").ToString();
    }

    public static string ReadStatx(ITraceeMemory memory, ulong address)
    {
        Span<byte> stx = stackalloc byte[StatxSize];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, stx))
            return NumberText.Pointer(address);
        var mask = BinaryPrimitives.ReadUInt32LittleEndian(stx);
        var attributes = BinaryPrimitives.ReadUInt64LittleEndian(stx[8..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(stx[28..]);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(stx[40..]);
        return "{stx_mask=" + StatConstants.StatxMask.Format(mask)
            + ", stx_attributes=" + StatConstants.StatxAttributes.Format(attributes)
            + ", stx_mode=" + Mode(mode)
            + ", stx_size=" + size.ToString(CultureInfo.InvariantCulture) + ", ...}";
    }

    public static string ReadStatfs(ITraceeMemory memory, ulong address)
    {
        var f = new byte[StatfsSize];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, f))
            return NumberText.Pointer(address);
        long L(int offset) => BinaryPrimitives.ReadInt64LittleEndian(f.AsSpan(offset));
        ulong U(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(offset));
        var type = L(0);
        var typeName = StatConstants.FileSystemMagic.TryGetName(type, out var name) ? name : NumberText.Hex((ulong)type);
        return FormattableString.Invariant(
            $"{{f_type={typeName}, f_bsize={L(8)}, f_blocks={U(16)}, f_bfree={U(24)}, f_bavail={U(32)}, f_files={U(40)}, f_ffree={U(48)}, ")
            + FormattableString.Invariant($"f_fsid={{val=[{NumberText.Hex(BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(56)))}, {NumberText.Hex(BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(60)))}]}}, ")
            + FormattableString.Invariant($"f_namelen={L(64)}, f_frsize={L(72)}, f_flags={StatConstants.StatfsFlags.Format(U(80))}}}");
    }

    /// <summary>A mode as strace prints it: the file type, the set-id and sticky bits, then the
    /// permissions in octal: <c>S_IFDIR|S_ISVTX|0777</c>.</summary>
    public static string Mode(uint mode)
    {
        var text = new StringBuilder();
        var type = mode & TypeMask;
        if (StatConstants.FileTypes.TryGetName(type, out var typeName))
            text.Append(typeName).Append('|');
        else if (type != 0)
            text.Append(NumberText.Hex(type)).Append('|');
        if ((mode & 0x800) != 0) text.Append("S_ISUID|");
        if ((mode & 0x400) != 0) text.Append("S_ISGID|");
        if ((mode & 0x200) != 0) text.Append("S_ISVTX|");
        return text.Append(NumberText.Octal(mode & 0x1ff)).ToString();
    }

    /// <summary>A dev_t as glibc encodes it: <c>makedev(0x1, 0x3)</c>.</summary>
    public static string Makedev(ulong dev)
    {
        var major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL);
        var minor = (dev & 0xff) | ((dev >> 12) & ~0xffUL);
        return "makedev(" + NumberText.Hex(major) + ", " + NumberText.Hex(minor) + ")";
    }
}
