using Diag.Linux.Tests.Bpf;
using Diag.Linux.PacketDrops;

namespace Diag.Linux.Tests.PacketDrops;

/// <summary>
/// Runs a drop watch on the test thread and does the test's traffic once the program is attached (after its first
/// item), then reads on until the watch ends (its Count, RequestStop from the traffic, or a generous deadline that only
/// a broken test reaches). What the watch yielded comes back, with the ids of the kernel objects it held.
/// </summary>
internal static class DropWatchHarness
{
    public sealed class Result
    {
        public List<DropWatchItem> Items { get; } = new();

        public IEnumerable<PacketDrop> Drops => Items.Where(i => i.Kind == DropWatchItemKind.Drop).Select(i => i.Drop!);

        public IEnumerable<PacketDropSummary> Rows => Items.Where(i => i.Kind == DropWatchItemKind.Summary).Select(i => i.Summary!);

        public IEnumerable<PacketDropCounter> Counters => Items.Where(i => i.Kind == DropWatchItemKind.Counter).Select(i => i.Counter!);

        public IEnumerable<string> Warnings => Items.Where(i => i.Kind == DropWatchItemKind.Warning).Select(i => i.Message!);

        public (uint Program, uint Link, IReadOnlyList<uint> Maps)? Ids { get; set; }
    }

    /// <summary>A deadline no passing test comes near: the watch normally ends by Count or RequestStop.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static Result Watch(DropFilter filter, DropWatchSettings settings, Action<DropWatch> traffic)
    {
        var result = new Result();
        using var watch = new DropWatch(filter, settings);
        var started = false;
        foreach (var item in watch.Run())
        {
            if (item.Kind != DropWatchItemKind.Progress)
                result.Items.Add(item);
            if (!started)
            {
                started = true;
                result.Ids = watch.Ids;
                traffic(watch);
            }
        }
        return result;
    }

    /// <summary>Waits (up to 30 s: RCU on a loaded machine) until none of the watch's kernel objects is left.</summary>
    public static List<string> Leftovers(Result result)
    {
        var (program, link, maps) = result.Ids!.Value;
        return BpfObjects.Leftovers(new Dictionary<BpfObjects.Kind, IReadOnlyCollection<uint>>
        {
            [BpfObjects.Kind.Program] = [program],
            [BpfObjects.Kind.Link] = [link],
            [BpfObjects.Kind.Map] = maps.ToList(),
        });
    }
}
