using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Memory;

/// <summary>
/// Reads /proc/PID/smaps in one pass: large reads into one reused buffer, lines parsed as bytes, one
/// <see cref="RawMapping"/> per mapping and one string per distinct path. The kernel writes about 25 lines per
/// mapping; generating them is most of the cost, so nothing else is read per mapping. Not thread-safe.
/// </summary>
internal sealed unsafe class SmapsParser
{
    private const int ChunkSize = 256 * 1024;
    private readonly byte[] _buffer = new byte[ChunkSize];
    private readonly Dictionary<ulong, int> _pathIndex = new();
    private readonly List<byte[]> _pathBytes = new();
    private RawMapping[] _mappings = new RawMapping[256];

    /// <summary>Reads the smaps file at <paramref name="path"/>. Returns 0 and the snapshot, or the errno (ENOENT or
    /// ESRCH: the process is gone; EACCES: not permitted).</summary>
    public int Read(string path, out SmapsSnapshot? snapshot)
    {
        snapshot = null;
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) return Libc.LastErrno;
        var paths = new List<string>();
        _pathIndex.Clear();
        _pathBytes.Clear();
        int count = 0;
        try
        {
            int carried = 0;
            fixed (byte* buffer = _buffer)
            {
                while (true)
                {
                    nint n = Libc.Read(fd, buffer + carried, (nuint)(ChunkSize - carried));
                    if (n < 0)
                    {
                        int errno = Libc.LastErrno;
                        if (errno == Errno.EINTR) continue;
                        return errno;
                    }
                    int filled = carried + (int)n;
                    var data = new ReadOnlySpan<byte>(buffer, filled);
                    int consumed = ParseLines(n == 0 ? data : data[..(data.LastIndexOf((byte)'\n') + 1)], ref count, paths);
                    if (n == 0) break;
                    carried = filled - consumed;
                    if (carried == ChunkSize) return Errno.EINVAL; // a line longer than the buffer: not smaps
                    new ReadOnlySpan<byte>(buffer + consumed, carried).CopyTo(new Span<byte>(buffer, ChunkSize));
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }
        var mappings = new RawMapping[count];
        Array.Copy(_mappings, mappings, count);
        snapshot = new SmapsSnapshot(mappings, count, paths);
        return 0;
    }

    /// <summary>Parses the complete lines of <paramref name="data"/>; returns the bytes used.</summary>
    private int ParseLines(ReadOnlySpan<byte> data, ref int count, List<string> paths)
    {
        int used = 0;
        while (used < data.Length)
        {
            var rest = data[used..];
            int eol = rest.IndexOf((byte)'\n');
            var line = eol < 0 ? rest : rest[..eol];
            used += eol < 0 ? rest.Length : eol + 1;
            if (line.IsEmpty) continue;
            byte first = line[0];
            if (first is >= (byte)'A' and <= (byte)'Z')
            {
                if (count > 0) ParseField(line, ref _mappings[count - 1]);
            }
            else if (TryParseHeader(line, out var mapping, paths))
            {
                if (count == _mappings.Length) Array.Resize(ref _mappings, _mappings.Length * 2);
                _mappings[count++] = mapping;
            }
        }
        return used;
    }

    // "7f717c000000-7f717c203000 rw-p 00000000 00:00 0                          [heap]"
    private bool TryParseHeader(ReadOnlySpan<byte> line, out RawMapping mapping, List<string> paths)
    {
        mapping = default;
        mapping.PathIndex = -1;
        int i = 0;
        if (!Hex(line, ref i, out mapping.Start) || !Expect(line, ref i, (byte)'-') || !Hex(line, ref i, out mapping.End) || !Expect(line, ref i, (byte)' '))
            return false;
        if (i + 5 > line.Length) return false;
        var access = MappingAccess.None;
        if (line[i] == (byte)'r') access |= MappingAccess.Read;
        if (line[i + 1] == (byte)'w') access |= MappingAccess.Write;
        if (line[i + 2] == (byte)'x') access |= MappingAccess.Execute;
        if (line[i + 3] == (byte)'s') access |= MappingAccess.Shared;
        mapping.Access = access;
        i += 5;
        if (!Hex(line, ref i, out mapping.Offset) || !Expect(line, ref i, (byte)' ')) return false;
        if (!Hex(line, ref i, out ulong major) || !Expect(line, ref i, (byte)':') || !Hex(line, ref i, out ulong minor) || !Expect(line, ref i, (byte)' '))
            return false;
        mapping.DeviceMajor = (uint)major;
        mapping.DeviceMinor = (uint)minor;
        int digits = ProcNumber.Parse(line[i..], out long inode);
        if (digits == 0) return false;
        mapping.Inode = (ulong)inode;
        i += digits;
        while (i < line.Length && line[i] == (byte)' ') i++;
        if (i < line.Length) mapping.PathIndex = PathIndexOf(line[i..], paths);
        return true;
    }

    private int PathIndexOf(ReadOnlySpan<byte> path, List<string> paths)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a: paths repeat (a library's four mappings), so look them up by bytes
        foreach (byte b in path) hash = (hash ^ b) * 1099511628211UL;
        while (_pathIndex.TryGetValue(hash, out int index))
        {
            if (path.SequenceEqual(_pathBytes[index])) return index;
            hash++; // a collision: probe the next key
        }
        int added = paths.Count;
        paths.Add(Encoding.UTF8.GetString(path));
        _pathBytes.Add(path.ToArray());
        _pathIndex[hash] = added;
        return added;
    }

    private static void ParseField(ReadOnlySpan<byte> line, ref RawMapping m)
    {
        int colon = line.IndexOf((byte)':');
        if (colon <= 0) return;
        var key = line[..colon];
        var value = line[(colon + 1)..];
        switch (key.Length)
        {
            case 3:
                if (key.SequenceEqual("Rss"u8)) m.RssKb = Kb(value);
                else if (key.SequenceEqual("Pss"u8)) m.PssKb = Kb(value);
                break;
            case 4:
                if (key.SequenceEqual("Swap"u8)) m.SwapKb = Kb(value);
                break;
            case 6:
                if (key.SequenceEqual("Locked"u8)) m.LockedKb = Kb(value);
                break;
            case 7:
                if (key.SequenceEqual("VmFlags"u8)) m.Hugetlb = HasFlag(value, "ht"u8);
                break;
            case 9:
                if (key.SequenceEqual("Anonymous"u8)) m.AnonymousKb = Kb(value);
                break;
            case 12:
                if (key.SequenceEqual("Shared_Clean"u8)) m.SharedCleanKb = Kb(value);
                else if (key.SequenceEqual("Shared_Dirty"u8)) m.SharedDirtyKb = Kb(value);
                break;
            case 13:
                if (key.SequenceEqual("Private_Clean"u8)) m.PrivateCleanKb = Kb(value);
                else if (key.SequenceEqual("Private_Dirty"u8)) m.PrivateDirtyKb = Kb(value);
                break;
        }
    }

    private static long Kb(ReadOnlySpan<byte> value)
    {
        int i = 0;
        while (i < value.Length && value[i] == (byte)' ') i++;
        ProcNumber.Parse(value[i..], out long kb);
        return kb;
    }

    /// <summary>VmFlags lists two-letter flags separated by spaces ("rd wr mr mw me ac sd ht").</summary>
    private static bool HasFlag(ReadOnlySpan<byte> flags, ReadOnlySpan<byte> flag)
    {
        for (int i = 0; i + 1 < flags.Length; i++)
            if (flags[i] == flag[0] && flags[i + 1] == flag[1] && (i == 0 || flags[i - 1] == (byte)' ') && (i + 2 == flags.Length || flags[i + 2] == (byte)' '))
                return true;
        return false;
    }

    private static bool Expect(ReadOnlySpan<byte> line, ref int i, byte c)
    {
        if (i >= line.Length || line[i] != c) return false;
        i++;
        return true;
    }

    private static bool Hex(ReadOnlySpan<byte> line, ref int i, out ulong value)
    {
        value = 0;
        int start = i;
        while (i < line.Length)
        {
            byte b = line[i];
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => -1,
            };
            if (digit < 0) break;
            value = value << 4 | (uint)digit;
            i++;
        }
        return i > start;
    }
}
