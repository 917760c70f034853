using Diag.Linux.Memory;

namespace Diag.Linux.Tests.Memory;

/// <summary>What grew between two snapshots, mapping by mapping and kind by kind: the step pmap cannot do.</summary>
public sealed class GrowthTests
{
    [Fact]
    public void AGrowingAnonymousMappingIsTheFirstChangeWithItsGrowth()
    {
        using var target = TargetProcess.Start("grow-anon");
        ulong start = (ulong)target.Status()["start"];
        using var reader = new MemoryMapReader();
        var before = reader.ReadSnapshot(target.Pid, "diag-test-target", [], out _)!;
        target.Command("grow 64");
        var after = reader.ReadSnapshot(target.Pid, "diag-test-target", [], out _)!;

        var changes = MemoryGrowth.Compare(before, after);
        var grown = changes[0];
        Assert.Equal(start, grown.StartAddress);
        Assert.Equal(MemoryChange.Grew, grown.ChangeValue);
        Assert.Equal(MemoryKind.Anonymous, grown.KindValue);
        Assert.InRange(grown.RssGrowthBytes!.Value, 64L << 20, 66L << 20);
        Assert.Equal(0, grown.SizeGrowthBytes);
        Assert.Equal(1L << 30, grown.SizeBytes);
        Assert.True(grown.Interval > TimeSpan.Zero);

        var (kinds, summary) = MemorySummaryBuilder.Build(after, before);
        Assert.Equal(MemoryKind.Anonymous, kinds[0].KindValue);
        Assert.True(kinds[0].RssGrowthBytes >= 64L << 20);
        Assert.True(summary.RssGrowthBytes >= 64L << 20);
    }

    [Fact]
    public void TheWatcherYieldsOneItemPerIntervalAndStopsWhenTheProcessExits()
    {
        using var target = TargetProcess.Start("grow-anon", "8", "10");
        using var reader = new MemoryMapReader();
        var watcher = new MemoryMapWatcher(reader);
        var items = watcher.Watch([(target.Pid, "diag-test-target")], TimeSpan.FromMilliseconds(300), 2, summary: false, CancellationToken.None).ToList();

        Assert.Equal([1, 2], items.Select(i => i.Sample));
        Assert.All(items, i => Assert.Null(i.Problem));
        // The grower touches 8 MiB every 10 ms: over each interval the mapping grew.
        Assert.All(items, i => Assert.Equal(MemoryChange.Grew, i.Changes[0].ChangeValue));

        target.Kill();
        var gone = watcher.Watch([(target.Pid, "diag-test-target")], TimeSpan.FromMilliseconds(10), null, summary: true, CancellationToken.None).ToList();
        Assert.Equal(MemoryMapProblemKind.Exited, Assert.Single(gone).Problem!.Kind);
    }

    [Fact]
    public void CancellationEndsAContinuousWatchAtOnce()
    {
        using var target = TargetProcess.Start("grow-anon");
        using var reader = new MemoryMapReader();
        using var stop = new CancellationTokenSource();
        var watcher = new MemoryMapWatcher(reader);
        // A 30-day interval (longer than a wait can be in one call) that only cancellation can end.
        stop.CancelAfter(TimeSpan.FromMilliseconds(200));
        var items = watcher.Watch([(target.Pid, "diag-test-target")], TimeSpan.FromDays(30), null, summary: true, stop.Token).ToList();
        Assert.Empty(items);
    }
}
