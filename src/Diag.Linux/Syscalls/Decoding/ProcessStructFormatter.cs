using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Structures about a process and the machine: resource limits (<c>{rlim_cur=8192*1024,
/// rlim_max=RLIM64_INFINITY}</c>), rusage, uname (abbreviated as strace does), sysinfo, CPU masks
/// (<c>[0 1]</c>), group lists and the entry count of a getdents buffer.
/// </summary>
internal static class ProcessStructFormatter
{
    /// <summary>Array elements shown before "...", as strace's default -s.</summary>
    private const int MaxElements = 32;

    public static string ReadRlimit(ITraceeMemory memory, ulong address)
    {
        Span<byte> limit = stackalloc byte[16];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, limit))
            return NumberText.Pointer(address);
        return "{rlim_cur=" + LimitValue(BinaryPrimitives.ReadUInt64LittleEndian(limit))
            + ", rlim_max=" + LimitValue(BinaryPrimitives.ReadUInt64LittleEndian(limit[8..])) + "}";
    }

    /// <summary>RLIM64_INFINITY, <c>8192*1024</c> for multiples of 1024 above it (as strace), or the number.</summary>
    private static string LimitValue(ulong value)
    {
        if (value == ulong.MaxValue)
            return "RLIM64_INFINITY";
        if (value > 1024 && value % 1024 == 0)
            return (value / 1024).ToString(CultureInfo.InvariantCulture) + "*1024";
        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>struct rusage, abbreviated: the user and system times.</summary>
    public static string ReadRusage(ITraceeMemory memory, ulong address)
    {
        Span<byte> usage = stackalloc byte[32];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, usage))
            return NumberText.Pointer(address);
        return "{ru_utime=" + TimeFormatter.Timeval(usage) + ", ru_stime=" + TimeFormatter.Timeval(usage[16..]) + ", ...}";
    }

    /// <summary>struct utsname, abbreviated as strace prints it: <c>{sysname="Linux", nodename="web1", ...}</c>.</summary>
    public static string ReadUtsname(ITraceeMemory memory, ulong address)
    {
        Span<byte> uts = stackalloc byte[2 * 65];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, uts))
            return NumberText.Pointer(address);
        return "{sysname=" + Field(uts[..65]) + ", nodename=" + Field(uts[65..]) + ", ...}";
    }

    private static string Field(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return StringEscaper.Quote(end >= 0 ? field[..end] : field, truncated: false);
    }

    public static string ReadSysinfo(ITraceeMemory memory, ulong address)
    {
        var info = new byte[112];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, info))
            return NumberText.Pointer(address);
        ulong U(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(offset));
        return FormattableString.Invariant(
            $"{{uptime={(long)U(0)}, loads=[{U(8)}, {U(16)}, {U(24)}], totalram={U(32)}, freeram={U(40)}, sharedram={U(48)}, bufferram={U(56)}, totalswap={U(64)}, freeswap={U(72)}, procs={BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(80))}, totalhigh={U(88)}, freehigh={U(96)}, mem_unit={BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(104))}}}");
    }

    /// <summary>A CPU mask of <paramref name="size"/> bytes as the list of CPUs in it: <c>[0 1]</c>.</summary>
    public static string ReadCpuSet(ITraceeMemory memory, ulong address, ulong size)
    {
        if (address == 0)
            return "NULL";
        var length = (int)Math.Min(size, 1024);
        var bytes = new byte[length];
        if (length == 0 || !TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        var text = new StringBuilder("[");
        for (var cpu = 0; cpu < length * 8; cpu++)
        {
            if ((bytes[cpu / 8] & (1 << (cpu % 8))) == 0)
                continue;
            if (text.Length > 1)
                text.Append(' ');
            text.Append(cpu.ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    /// <summary>A gid_t[] of <paramref name="count"/> entries: <c>[0, 4, 27]</c>.</summary>
    public static string ReadGroups(ITraceeMemory memory, ulong address, long count)
    {
        if (address == 0)
            return "NULL";
        if (count <= 0)
            return count == 0 ? "[]" : NumberText.Hex(address);
        var shown = (int)Math.Min(count, MaxElements);
        var bytes = new byte[shown * 4];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        var text = new StringBuilder("[");
        for (var i = 0; i < shown; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4)).ToString(CultureInfo.InvariantCulture));
        }
        if (count > shown)
            text.Append(", ...");
        return text.Append(']').ToString();
    }

    /// <summary>A getdents buffer the kernel filled with <paramref name="length"/> bytes: its address and
    /// the number of entries, <c>0x5581f0 /* 12 entries */</c>. Both layouts keep d_reclen at offset 16.</summary>
    public static string ReadDirents(ITraceeMemory memory, ulong address, long length)
    {
        if (length < 0)
            return NumberText.Pointer(address);
        var bytes = new byte[Math.Min(length, 1 << 20)];
        if (bytes.Length > 0 && !TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Pointer(address);
        var count = 0;
        var offset = 0;
        while (offset + 18 <= bytes.Length)
        {
            var recordLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 16));
            if (recordLength == 0)
                break;
            count++;
            offset += recordLength;
        }
        return NumberText.Pointer(address) + " /* " + count.ToString(CultureInfo.InvariantCulture) + " entries */";
    }
}
