using System.Globalization;

namespace Diag.Linux.Bpf;

/// <summary>
/// The dynamic perf PMU of kprobes or uprobes (Linux 4.17): a probe is created by perf_event_open with this
/// PMU's type, the function name or file path in config1 and the offset in config2, and removed when the event's
/// descriptor closes, without writing kprobe_events in tracefs. sysfs publishes the type number and which bit of
/// config asks for a return probe (<c>format/retprobe</c>, "config:0").
/// </summary>
internal sealed class ProbePmu
{
    private const string Devices = "/sys/bus/event_source/devices";

    private ProbePmu(string name, uint type, int retprobeBit)
    {
        Name = name;
        Type = type;
        RetprobeBit = retprobeBit;
    }

    /// <summary>"kprobe" or "uprobe".</summary>
    public string Name { get; }

    /// <summary>perf_event_attr.type for this PMU.</summary>
    public uint Type { get; }

    /// <summary>The bit of perf_event_attr.config that makes a return probe.</summary>
    public int RetprobeBit { get; }

    public static ProbePmu Kprobe(string root = "/") => Read("kprobe", root,
        "this kernel has no kprobes (built without CONFIG_KPROBES)",
        "attach with fentry/fexit instead (BTF trampolines need no kprobes), or use a kernel built with CONFIG_KPROBES=y");

    public static ProbePmu Uprobe(string root = "/") => Read("uprobe", root,
        "this kernel has no uprobes (built without CONFIG_UPROBE_EVENTS)",
        "use a kernel built with CONFIG_UPROBE_EVENTS=y");

    private static ProbePmu Read(string name, string root, string missing, string remedy)
    {
        var directory = Path.Join(root == "/" ? "" : root, Devices, name);
        var typePath = Path.Combine(directory, "type");
        string typeText, retprobe;
        try
        {
            typeText = File.ReadAllText(typePath);
            retprobe = File.ReadAllText(Path.Combine(directory, "format", "retprobe"));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BpfFeatureUnavailableException($"{missing}: {typePath} does not exist", remedy, e);
        }
        if (!uint.TryParse(typeText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var type))
            throw new InvalidDataException($"{typePath} does not hold a PMU type: '{typeText.Trim()}'");
        return new ProbePmu(name, type, ParseRetprobeBit(retprobe));
    }

    /// <summary>The bit of a "config:N" format line.</summary>
    internal static int ParseRetprobeBit(string format)
    {
        var text = format.Trim();
        const string Prefix = "config:";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)
            || !int.TryParse(text[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var bit) || bit > 63)
            throw new InvalidDataException($"unexpected retprobe format '{text}' (expected config:N)");
        return bit;
    }
}
