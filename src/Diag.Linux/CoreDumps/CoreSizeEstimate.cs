using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// How big a process's core would be, from /proc/PID/status, /proc/PID/maps and /proc/PID/coredump_filter,
/// following vma_dump_size() in fs/coredump.c. Reading smaps would be exact but walks every page table, which
/// takes long on a large server; these two files cost microseconds.
/// </summary>
internal readonly record struct CoreSizeEstimate(long ResidentBytes, long ApparentBytes, uint Filter)
{
    /// <summary>coredump_filter bits (core(5)).</summary>
    public const uint AnonPrivate = 1, AnonShared = 2, FilePrivate = 4, FileShared = 8, ElfHeaders = 16;

    /// <summary>The kernel's default filter (0x33): anonymous memory, ELF headers, private huge pages.</summary>
    public const uint DefaultFilter = 0x33;

    private const long PageSize = 4096;

    /// <summary>
    /// ResidentBytes: what is written to a file system (pages never touched become holes): resident and swapped
    /// memory the filter selects. ApparentBytes: the file's length, which is also what a pipe handler receives
    /// (holes are sent as zeros) and what RLIMIT_FSIZE is compared with: the size of every mapping dumped.
    /// </summary>
    public static CoreSizeEstimate Read(string? status, string? maps, string? filterText)
    {
        uint filter = filterText is not null && uint.TryParse(filterText.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var f)
            ? f : DefaultFilter;
        long anon = KiloBytes(status, "RssAnon:") + KiloBytes(status, "VmSwap:");
        long shmem = KiloBytes(status, "RssShmem:");
        long file = KiloBytes(status, "RssFile:");
        long resident = ((filter & AnonPrivate) != 0 ? anon : 0)
                        + ((filter & AnonShared) != 0 ? shmem : 0)
                        + ((filter & (FilePrivate | FileShared)) != 0 ? file : 0);

        long apparent = 0, headers = 0;
        if (maps is not null)
        {
            foreach (var line in maps.AsSpan().EnumerateLines())
            {
                var size = MappingDumpSize(line, filter, out bool headerPage);
                apparent += size;
                if (headerPage) headers += PageSize;
            }
        }
        // Notes (registers, auxv, the file table) add a few pages per thread; the ELF header pages are always written.
        resident += headers + PageSize * 4;
        return new CoreSizeEstimate(resident, Math.Max(apparent, resident), filter);
    }

    /// <summary>Bytes vma_dump_size() would dump for one maps line.</summary>
    private static long MappingDumpSize(ReadOnlySpan<char> line, uint filter, out bool headerPageOnly)
    {
        headerPageOnly = false;
        // "start-end perms offset dev inode   path"
        var fields = new Fields(line);
        var range = fields.Next();
        var perms = fields.Next();
        var offset = fields.Next();
        fields.Next(); // dev
        var inode = fields.Next();
        var path = fields.Rest();
        int dash = range.IndexOf('-');
        if (dash < 0 || perms.Length < 4) return 0;
        if (!Hex(range[..dash], out var start) || !Hex(range[(dash + 1)..], out var end)) return 0;
        long size = (long)(end - start);
        // Never dumped: mappings nobody may touch (reservations), and the kernel's I/O pages.
        if (perms[..3].SequenceEqual("---") || path.StartsWith("[vvar")) return 0;
        bool shared = perms[3] == 's';
        bool anonymous = inode.SequenceEqual("0");
        if (shared)
        {
            bool anonymousFile = anonymous || path.EndsWith("(deleted)") || path.StartsWith("/dev/zero") || path.StartsWith("/SYSV") || path.StartsWith("/memfd:");
            return (filter & (anonymousFile ? AnonShared : FileShared)) != 0 ? size : 0;
        }
        // Private: written-to mappings (anonymous, or a file's writable data) are dumped whole.
        if ((anonymous || perms[1] == 'w') && (filter & AnonPrivate) != 0) return size;
        if (anonymous) return 0;
        if ((filter & FilePrivate) != 0) return size;
        if ((filter & ElfHeaders) != 0 && perms[0] == 'r' && offset.Trim('0').IsEmpty)
        {
            headerPageOnly = true;
            return PageSize;
        }
        return 0;
    }

    /// <summary>A maps address: plain hex digits (a loop of its own costs less to compile than the generic number parser).</summary>
    private static bool Hex(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 16) return false;
        foreach (char c in text)
        {
            int digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) return false;
            value = value << 4 | (uint)digit;
        }
        return true;
    }

    private static long KiloBytes(string? status, string key)
    {
        if (status is null) return 0;
        int at = status.IndexOf(key, StringComparison.Ordinal);
        if (at < 0) return 0;
        var rest = status.AsSpan(at + key.Length).TrimStart(" \t");
        int end = 0;
        while (end < rest.Length && char.IsAsciiDigit(rest[end])) end++;
        return long.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }

    /// <summary>Space-separated fields of a maps line; the last one (the path) may hold spaces.</summary>
    private ref struct Fields(ReadOnlySpan<char> line)
    {
        private ReadOnlySpan<char> _rest = line;

        public ReadOnlySpan<char> Next()
        {
            _rest = _rest.TrimStart(' ');
            int space = _rest.IndexOf(' ');
            var field = space < 0 ? _rest : _rest[..space];
            _rest = space < 0 ? default : _rest[space..];
            return field;
        }

        public ReadOnlySpan<char> Rest() => _rest.Trim(' ');
    }
}
