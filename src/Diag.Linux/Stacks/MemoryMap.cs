using System.Globalization;

namespace Diag.Linux.Stacks;

/// <summary>The mappings of a process (/proc/PID/maps), sorted by address.</summary>
internal sealed class MemoryMap
{
    private readonly MemoryMapping[] _mappings;
    private readonly ulong[] _starts;

    private MemoryMap(MemoryMapping[] mappings)
    {
        _mappings = mappings;
        _starts = mappings.Select(m => m.Start).ToArray();
    }

    public IReadOnlyList<MemoryMapping> Mappings => _mappings;

    /// <summary>Reads /proc/PID/maps; null when the process is gone or unreadable.</summary>
    public static MemoryMap? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Parse(text);
    }

    public static MemoryMap Parse(string text)
    {
        var mappings = new List<MemoryMapping>();
        foreach (var line in text.AsSpan().EnumerateLines())
            if (TryParseLine(line, out var mapping)) mappings.Add(mapping);
        mappings.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new MemoryMap(mappings.ToArray());
    }

    public MemoryMapping? Find(ulong address)
    {
        var index = Array.BinarySearch(_starts, address);
        if (index < 0) index = ~index - 1;
        return index >= 0 && _mappings[index].Contains(address) ? _mappings[index] : null;
    }

    // "55d0c0a0b000-55d0c0a2c000 r-xp 00002000 fd:01 1234567   /usr/bin/thing (deleted)"
    private static bool TryParseLine(ReadOnlySpan<char> line, out MemoryMapping mapping)
    {
        mapping = null!;
        var rest = line;
        var parts = new string[5];
        for (var i = 0; i < 5; i++)
        {
            rest = rest.TrimStart(' ');
            var space = rest.IndexOf(' ');
            if (space < 0) { if (i < 4) return false; space = rest.Length; }
            parts[i] = rest[..space].ToString();
            rest = rest[space..];
        }
        var path = rest.TrimStart(' ').ToString();
        var dash = parts[0].IndexOf('-');
        var colon = parts[3].IndexOf(':');
        if (dash < 0 || colon < 0 || parts[1].Length < 4) return false;
        if (!ulong.TryParse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
            || !ulong.TryParse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var offset)
            || !uint.TryParse(parts[3].AsSpan(0, colon), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var major)
            || !uint.TryParse(parts[3].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var minor)
            || !ulong.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            return false;
        mapping = new MemoryMapping
        {
            Start = start,
            End = end,
            Readable = parts[1][0] == 'r',
            Executable = parts[1][2] == 'x',
            Offset = offset,
            DeviceMajor = major,
            DeviceMinor = minor,
            Inode = inode,
            Path = path,
        };
        return true;
    }
}
