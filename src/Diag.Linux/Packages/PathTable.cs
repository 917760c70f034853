using System.Text;

namespace Diag.Linux.Packages;

/// <summary>
/// Every path the packages list, kept as the bytes of their list files and found by a hash of each path's merged-/usr
/// form: no string per path is made until a lookup matches one. (A Dictionary of 140,000 path strings cost most of the
/// index's build; this keeps the list files' 8 MB as they were read and adds 24 bytes per path.) A path several packages
/// list (directories, Multi-Arch: same files) has one entry per package, all on one chain.
/// </summary>
internal sealed class PathTable
{
    private readonly List<byte[]> _sources = new();
    private readonly (byte[] Alias, byte[] Target)[] _aliases;
    private Entry[] _entries = new Entry[1024];
    private int _count;
    private int[] _buckets = [];

    public PathTable(MergedUsr usr) => _aliases = usr.ByteAliases;

    /// <summary>Paths that are not the same as one listed before (a directory counts once).</summary>
    public int DistinctCount { get; private set; }

    /// <summary>Adds one package's paths: <paramref name="content"/> holds them one per line, as a .list file does.</summary>
    public void Add(int package, byte[] content)
    {
        int source = _sources.Count;
        _sources.Add(content);
        var span = content.AsSpan();
        int at = 0;
        while (at < span.Length)
        {
            int end = span[at..].IndexOf((byte)'\n');
            int length = end < 0 ? span.Length - at : end;
            if (length > 0) Insert(package, source, at, length);
            at += length + 1;
        }
    }

    /// <summary>Sizes the table for <paramref name="expected"/> paths before they are added (a rehash otherwise).</summary>
    public void Reserve(int expected)
    {
        int size = 1024;
        while (size < expected * 2) size <<= 1;
        _buckets = new int[size];
        Array.Fill(_buckets, -1);
        if (_entries.Length < expected) Array.Resize(ref _entries, expected);
    }

    /// <summary>Each package that lists <paramref name="canonicalPath"/> (merged-/usr form), with the path as it lists it.</summary>
    public List<(int Package, string ListedAs)> Find(string canonicalPath)
    {
        var result = new List<(int, string)>(1);
        if (_count == 0) return result;
        var query = Encoding.UTF8.GetBytes(canonicalPath);
        ulong hash = Hash(FnvOffset, query);
        for (int i = _buckets[(int)(hash & (ulong)(_buckets.Length - 1))]; i >= 0; i = _entries[i].Next)
        {
            ref var e = ref _entries[i];
            if (e.Hash != hash || !Matches(ref e, query)) continue;
            bool seen = false;
            foreach (var (p, _) in result) seen |= p == e.Package;
            if (!seen) result.Add((e.Package, Encoding.UTF8.GetString(_sources[e.Source], e.Offset, e.Length)));
        }
        result.Reverse(); // chains hold the newest first; packages in database order
        return result;
    }

    private void Insert(int package, int source, int offset, int length)
    {
        var line = _sources[source].AsSpan(offset, length);
        byte alias = 0;
        ulong hash;
        for (int a = 0; a < _aliases.Length; a++)
        {
            var (name, _) = _aliases[a];
            if (line.StartsWith(name) && (line.Length == name.Length || line[name.Length] == (byte)'/'))
            {
                alias = (byte)(a + 1);
                break;
            }
        }
        hash = alias == 0 ? Hash(FnvOffset, line) : Hash(Hash(FnvOffset, _aliases[alias - 1].Target), line[_aliases[alias - 1].Alias.Length..]);

        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        if (_count * 2 >= _buckets.Length) Rehash(Math.Max(1024, _buckets.Length * 2));
        int bucket = (int)(hash & (ulong)(_buckets.Length - 1));
        var entry = new Entry { Hash = hash, Package = package, Source = source, Offset = offset, Length = length, Alias = alias, Next = _buckets[bucket] };
        bool duplicate = false;
        for (int i = entry.Next; i >= 0 && !duplicate; i = _entries[i].Next)
            duplicate = _entries[i].Hash == hash && SamePath(ref _entries[i], ref entry);
        if (!duplicate) DistinctCount++;
        _entries[_count] = entry;
        _buckets[bucket] = _count++;
    }

    private void Rehash(int size)
    {
        _buckets = new int[size];
        Array.Fill(_buckets, -1);
        for (int i = 0; i < _count; i++)
        {
            int bucket = (int)(_entries[i].Hash & (ulong)(size - 1));
            _entries[i].Next = _buckets[bucket];
            _buckets[bucket] = i;
        }
    }

    /// <summary>Whether the entry's merged-/usr form is <paramref name="query"/>.</summary>
    private bool Matches(ref Entry e, ReadOnlySpan<byte> query)
    {
        var line = _sources[e.Source].AsSpan(e.Offset, e.Length);
        if (e.Alias == 0) return line.SequenceEqual(query);
        var (alias, target) = _aliases[e.Alias - 1];
        return query.StartsWith(target) && query[target.Length..].SequenceEqual(line[alias.Length..]);
    }

    private bool SamePath(ref Entry a, ref Entry b)
    {
        var line = _sources[b.Source].AsSpan(b.Offset, b.Length);
        if (b.Alias == 0) return Matches(ref a, line);
        var (alias, target) = _aliases[b.Alias - 1];
        var buffer = new byte[target.Length + line.Length - alias.Length];
        target.CopyTo(buffer, 0);
        line[alias.Length..].CopyTo(buffer.AsSpan(target.Length));
        return Matches(ref a, buffer);
    }

    private const ulong FnvOffset = 14695981039346656037, FnvPrime = 1099511628211;

    private static ulong Hash(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) hash = (hash ^ b) * FnvPrime;
        return hash;
    }

    private struct Entry
    {
        public ulong Hash;
        public int Package, Source, Offset, Length, Next;
        public byte Alias;
    }
}
