namespace Diag.Linux.Toa;

/// <summary>An option of a TOA kind that could not be decoded.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Length">Its length byte.</param>
/// <param name="Cut">True when the capture ends inside it (snaplen), false when its length is wrong for the kind.</param>
internal readonly record struct BadToa(int Kind, int Length, bool Cut);

/// <summary>An option of an experimental kind that carries a registered experiment, not a TOA.</summary>
internal readonly record struct ExperimentOption(int Kind, int Length, TcpExperiment Experiment)
{
    public string Describe() => $"a kind-{Kind} option of {Length} bytes carries the registered TCP experiment {Experiment}, not a TOA";
}

/// <summary>What <see cref="TcpOptionWalker.Walk"/> found in one packet's options; reused from packet to packet.</summary>
internal sealed class OptionScan
{
    /// <summary>Options of TOA kinds that decoded.</summary>
    public List<ToaOption> Found { get; } = new();

    /// <summary>Options of TOA kinds with a length no layout has, or cut by the capture.</summary>
    public List<BadToa> Bad { get; } = new();

    /// <summary>Options of the experimental kinds that are a registered experiment, not a TOA.</summary>
    public List<ExperimentOption> Experiments { get; } = new();

    /// <summary>True when the capture cut the options in a way that may hide a TOA.</summary>
    public bool Cut { get; set; }

    public void Clear()
    {
        Found.Clear();
        Bad.Clear();
        Experiments.Clear();
        Cut = false;
    }
}

/// <summary>
/// Walks a TCP header's options as the kernel does (tcp_parse_options, and every toa module's copy of
/// it): EOL ends the list, NOP is one byte, every other option has a length byte counting kind and
/// length. Collects the options whose kind the <see cref="ToaKindMap"/> maps.
/// </summary>
internal static class TcpOptionWalker
{
    /// <summary>Walks <paramref name="options"/> (the captured option bytes; <paramref name="declaredLength"/>
    /// is how many the header declares) into <paramref name="scan"/>, which it clears first.</summary>
    public static void Walk(ReadOnlySpan<byte> options, int declaredLength, ToaKindMap map, OptionScan scan)
    {
        scan.Clear();
        scan.Cut = WalkOptions(options, declaredLength, map, scan);
    }

    private static bool WalkOptions(ReadOnlySpan<byte> options, int declaredLength, ToaKindMap map, OptionScan scan)
    {
        int i = 0;
        while (i < options.Length)
        {
            int kind = options[i];
            if (kind == 0) return false;            // EOL
            if (kind == 1) { i++; continue; }       // NOP
            if (i + 1 >= options.Length) return declaredLength > options.Length;
            int length = options[i + 1];
            if (length < 2) return false;           // malformed: the kernel stops here too
            if (i + length > options.Length)
            {
                if (i + length <= declaredLength)
                {
                    // Cut by the capture length: a TOA kind is surely lost, another may hide one behind it.
                    if (map.IsToaKind(kind)) scan.Bad.Add(new BadToa(kind, length, Cut: true));
                    return true;
                }
                if (map.IsToaKind(kind)) scan.Bad.Add(new BadToa(kind, length, Cut: false));
                return false;                       // runs past the header: malformed
            }
            if (map.IsToaKind(kind))
            {
                var data = options[(i + 2)..(i + length)];
                if (map.TryMatch(kind, length, out var variant))
                    scan.Found.Add(ToaOption.Decode(kind, variant, data));
                else if (TcpExperiment.TryFind(kind, data, out var experiment))
                    scan.Experiments.Add(new ExperimentOption(kind, length, experiment));
                else
                    scan.Bad.Add(new BadToa(kind, length, Cut: false));
            }
            i += length;
        }
        return declaredLength > options.Length;
    }
}
