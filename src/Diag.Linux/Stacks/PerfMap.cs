using System.Globalization;
using System.Text;

namespace Diag.Linux.Stacks;

/// <summary>
/// The symbols a JIT compiler publishes for perf in /tmp/perf-PID.map ("START SIZE name" per line, in
/// hex): .NET with DOTNET_PerfMapEnabled=1, Node with --perf-basic-prof, the JVM with perf-map-agent.
/// The file only grows while the process runs, so a cached map reads just what was appended since; where
/// code was freed and its range reused, the later line wins. Thread-safe.
/// </summary>
internal sealed class PerfMap
{
    private static readonly object CacheGate = new();
    private static readonly Dictionary<string, PerfMap> Cache = new(StringComparer.Ordinal);

    private readonly object _gate = new();
    private readonly string _path;
    private readonly List<Entry> _entries = new();
    private ulong _inode;
    private long _consumed;
    private Entry[] _sorted = [];
    private ulong[] _starts = [];
    private ulong[] _maxEnd = [];

    private PerfMap(string path, string displayPath)
    {
        _path = path;
        DisplayPath = displayPath;
    }

    /// <summary>The file as the process sees it (/tmp/perf-PID.map, with its own PID inside a container).</summary>
    public string DisplayPath { get; }

    public int Count
    {
        get { lock (_gate) return _sorted.Length; }
    }

    /// <summary>The map of a process (its /tmp as it sees it, named with its PID in its own namespace),
    /// brought up to date; null when the process publishes none.</summary>
    public static PerfMap? For(int pid, int namespacePid)
    {
        var inside = $"/tmp/perf-{namespacePid.ToString(CultureInfo.InvariantCulture)}.map";
        var candidates = new[]
        {
            ($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/root{inside}", inside),
            ($"/tmp/perf-{pid.ToString(CultureInfo.InvariantCulture)}.map", $"/tmp/perf-{pid.ToString(CultureInfo.InvariantCulture)}.map"),
        };
        foreach (var (path, display) in candidates)
        {
            PerfMap map;
            lock (CacheGate)
            {
                if (!Cache.TryGetValue(path, out map!))
                {
                    if (!File.Exists(path)) continue;
                    if (Cache.Count > 256) Cache.Clear();
                    Cache[path] = map = new PerfMap(path, display);
                }
            }
            if (map.Refresh()) return map;
        }
        return null;
    }

    /// <summary>The JIT symbol holding an address: its name and start.</summary>
    public bool TryFind(ulong address, out string name, out ulong start)
    {
        lock (_gate)
        {
            name = "";
            start = 0;
            var index = Array.BinarySearch(_starts, address);
            if (index < 0) index = ~index - 1;
            else while (index + 1 < _starts.Length && _starts[index + 1] == address) index++;
            var best = -1;
            for (var i = index; i >= 0 && _maxEnd[i] > address; i--)
            {
                var e = _sorted[i];
                if (address < e.Start + e.Size && (best < 0 || e.Sequence > _sorted[best].Sequence)) best = i;
            }
            if (best < 0) return false;
            name = _sorted[best].Name;
            start = _sorted[best].Start;
            return true;
        }
    }

    /// <summary>Reads what was appended (everything when the file was replaced); false when it is gone.</summary>
    private bool Refresh()
    {
        lock (_gate)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
            using (stream)
            {
                var identity = FileIdentity.Of(stream.SafeFileHandle);
                var inode = identity?.Inode ?? 0;
                if (inode != _inode || stream.Length < _consumed)
                {
                    _entries.Clear();
                    _consumed = 0;
                    _inode = inode;
                }
                if (stream.Length == _consumed) return true;
                stream.Position = _consumed;
                var bytes = new byte[stream.Length - _consumed];
                var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                // Only whole lines: the JIT may be writing the last one right now.
                var end = Array.LastIndexOf(bytes, (byte)'\n', read - 1 < 0 ? 0 : read - 1) + 1;
                Parse(bytes.AsSpan(0, end));
                _consumed += end;
                Index();
            }
            return true;
        }
    }

    private void Parse(ReadOnlySpan<byte> text)
    {
        foreach (var line in Encoding.UTF8.GetString(text).AsSpan().EnumerateLines())
        {
            var first = line.IndexOf(' ');
            if (first <= 0) continue;
            var rest = line[(first + 1)..];
            var second = rest.IndexOf(' ');
            if (second <= 0) continue;
            if (!TryHex(line[..first], out var start) || !TryHex(rest[..second], out var size) || size == 0) continue;
            _entries.Add(new Entry(start, size, rest[(second + 1)..].ToString(), _entries.Count));
        }
    }

    private static bool TryHex(ReadOnlySpan<char> text, out ulong value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) text = text[2..];
        return ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }

    private void Index()
    {
        _sorted = _entries.OrderBy(e => e.Start).ThenBy(e => e.Sequence).ToArray();
        _starts = _sorted.Select(e => e.Start).ToArray();
        _maxEnd = new ulong[_sorted.Length];
        ulong max = 0;
        for (var i = 0; i < _sorted.Length; i++)
            _maxEnd[i] = max = Math.Max(max, _sorted[i].Start + _sorted[i].Size);
    }

    private readonly record struct Entry(ulong Start, ulong Size, string Name, int Sequence);
}
