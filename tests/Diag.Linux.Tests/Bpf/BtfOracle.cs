using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// What the standard tools say about the running kernel's types, to check the BTF reader against:
/// pahole (Debian dwarves) for structure layouts and enums, bpftool for raw type ids and prototypes.
/// Both read /sys/kernel/btf/vmlinux with libbpf, sharing no code with Diag.
/// </summary>
internal static partial class BtfOracle
{
    private static readonly Lazy<string[]> RawDump = new(() =>
        Run("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw").Split('\n'));

    /// <summary><c>pahole -C NAME</c>: a struct, union or enum as C with offsets.</summary>
    public static string Pahole(string name) => Run("pahole", "-C", name, "/sys/kernel/btf/vmlinux");

    /// <summary>The "size: N" pahole prints under a struct.</summary>
    public static int StructSize(string pahole) => int.Parse(SizeLine().Match(pahole).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>The first member named <paramref name="member"/> in pahole's output (nested anonymous members
    /// are printed inline with offsets from the outermost struct): byte offset, bit within the storage unit
    /// (null unless a bitfield), bit width (null unless a bitfield), size in bytes.</summary>
    public static (int Offset, int? Bit, int? Bits, int Size) Member(string pahole, string member)
    {
        var pattern = new Regex(@"[\s\*]" + Regex.Escape(member) + @"(\[\d+\])*(:(?<bits>\d+))?;\s*/\*\s*(?<offset>\d+)(:\s*(?<bit>\d+))?\s+(?<size>\d+)\s*\*/");
        var match = pattern.Match(pahole);
        Assert.True(match.Success, $"pahole shows no member {member}");
        int? Optional(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : null;
        return (Optional("offset")!.Value, Optional("bit"), Optional("bits"), Optional("size")!.Value);
    }

    /// <summary>The enumerators pahole prints for an enum, as raw 64-bit values.</summary>
    public static List<(string Name, long Value)> EnumValues(string pahole) =>
        EnumLine().Matches(pahole).Select(m => (m.Groups[1].Value,
            m.Groups[2].Value.StartsWith('-')
                ? long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)
                : unchecked((long)ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))).ToList();

    /// <summary>bpftool's id of the type of <paramref name="kind"/> named <paramref name="name"/> ("FUNC", "TYPEDEF").</summary>
    public static int TypeId(string kind, string name)
    {
        var line = RawDump.Value.First(l => l.Contains($"] {kind} '{name}' ", StringComparison.Ordinal));
        return int.Parse(line[1..line.IndexOf(']')], CultureInfo.InvariantCulture);
    }

    /// <summary>bpftool's parameters (name, type id) of the FUNC_PROTO with id <paramref name="protoId"/>.</summary>
    public static List<(string Name, int TypeId)> Parameters(int protoId)
    {
        var lines = RawDump.Value;
        var start = Array.FindIndex(lines, l => l.StartsWith($"[{protoId}] FUNC_PROTO ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"bpftool shows no FUNC_PROTO {protoId}");
        return lines.Skip(start + 1).TakeWhile(l => l.StartsWith('\t'))
            .Select(l => ParameterLine().Match(l))
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The type_id= of a FUNC line (its FUNC_PROTO).</summary>
    public static int FunctionProtoId(int functionId)
    {
        var line = RawDump.Value.First(l => l.StartsWith($"[{functionId}] FUNC ", StringComparison.Ordinal));
        return int.Parse(ProtoOfFunction().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is needed to check the BTF reader (apt-get install dwarves bpftool): {e.Message}");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {error.Result}");
            return output;
        }
    }

    [GeneratedRegex(@"/\* size: (\d+),")]
    private static partial Regex SizeLine();

    [GeneratedRegex(@"^\s+(\w+)\s+=\s+(-?\d+),?$", RegexOptions.Multiline)]
    private static partial Regex EnumLine();

    [GeneratedRegex(@"^\t'([^']*)' type_id=(\d+)")]
    private static partial Regex ParameterLine();

    [GeneratedRegex(@"type_id=(\d+)")]
    private static partial Regex ProtoOfFunction();
}
