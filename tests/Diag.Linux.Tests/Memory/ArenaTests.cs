using Diag.Linux.Memory;

namespace Diag.Linux.Tests.Memory;

/// <summary>The Spring Boot off-heap incident: memory freed by native code held in glibc's per-thread arenas, 64 MiB
/// each. A target whose eight threads each malloc 2 MiB while all are alive has exactly eight thread arenas.</summary>
public sealed class ArenaTests
{
    private const int Threads = 8;

    [Fact]
    public void EachThreadThatAllocatedHasItsArenaConfirmedByTheHeapHeader()
    {
        using var target = TargetProcess.Start("arenas-hold", $"{Threads}", "2048");
        var result = MemoryTargets.Read(target.Pid);
        var regions = result.Regions();

        var arenas = regions.Where(r => r.KindValue == MemoryKind.GlibcArena).ToList();
        Assert.Equal(Enumerable.Range(1, Threads), arenas.Select(r => r.Arena!.Value).Distinct().Order());
        foreach (var heap in arenas.GroupBy(r => r.Arena))
        {
            var parts = heap.OrderBy(r => r.StartAddress).ToList();
            Assert.Equal(2, parts.Count); // the accessible part and the ---p rest of the 64 MiB
            Assert.Equal(0UL, parts[0].StartAddress % (64UL << 20));
            Assert.Equal("rw-p", parts[0].Permissions);
            Assert.Equal("---p", parts[1].Permissions);
            Assert.Equal(64L << 20, parts.Sum(p => p.SizeBytes));
            Assert.True(parts[0].RssBytes >= 2L << 20, $"arena {heap.Key} holds {parts[0].RssBytes} bytes, less than the 2 MiB its thread allocated");
            Assert.Equal(0, parts[1].RssBytes);
        }

        var summary = MemoryTargets.Summary(result);
        Assert.Equal(Threads, summary.ArenaCount);
        Assert.Equal(Threads, summary.ArenaHeapCount);
        Assert.True(summary.ArenasConfirmed);
        Assert.Equal(MemoryAllocator.Glibc, summary.AllocatorValue);
        Assert.EndsWith("libc.so.6", summary.AllocatorLibrary);
        Assert.Equal(Threads * (64L << 20), summary.ArenaReservedBytes);
        Assert.Equal(arenas.Sum(a => a.RssBytes), summary.ArenaResidentBytes);
        Assert.InRange(summary.ArenaResidentBytes, Threads * (2L << 20), summary.RssBytes);
        Assert.Equal(8 * Environment.ProcessorCount, summary.ArenaLimit);
        Assert.Equal("", summary.MallocArenaMax);
        Assert.Empty(summary.Recommendation); // 16 MiB of arenas is no problem
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void WithoutReadingMemoryArenasAreCountedFromTheLayoutAndSaySo()
    {
        using var target = TargetProcess.Start("arenas-hold", $"{Threads}", "256");
        var result = MemoryTargets.Read(target.Pid, heapHeaders: false);

        var summary = MemoryTargets.Summary(result);
        Assert.Equal(Threads, summary.ArenaCount);
        Assert.False(summary.ArenasConfirmed);
        Assert.Contains(result.Notes, n => n.Contains("layout alone", StringComparison.Ordinal));
    }

    [Fact]
    public void MallocArenaMaxFromTheEnvironmentLimitsTheArenasAndIsReported()
    {
        // MALLOC_ARENA_MAX counts the main arena: with 2, one thread arena is shared by all eight threads.
        using var target = TargetProcess.StartProgram(TargetProcess.ExecutablePath, null, new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" },
            "arenas-hold", $"{Threads}", "256");
        var summary = MemoryTargets.Summary(MemoryTargets.Read(target.Pid));

        Assert.Equal(1, summary.ArenaCount);
        Assert.Equal("MALLOC_ARENA_MAX=2", summary.MallocArenaMax);
        Assert.Equal(2, summary.ArenaLimit);
    }

    [Fact]
    public void ArenasHoldingMostOfTheMemoryGetTheMallocArenaMaxRecommendation()
    {
        using var target = TargetProcess.Start("arenas-hold", $"{Threads}", "12288");
        var summary = MemoryTargets.Summary(MemoryTargets.Read(target.Pid));

        Assert.True(summary.ArenaResidentBytes >= Threads * (12L << 20));
        Assert.Contains($"{Threads} glibc arenas hold", summary.Recommendation);
        Assert.Contains("MALLOC_ARENA_MAX=2", summary.Recommendation);
        var arenaRow = MemoryTargets.Kind(MemoryTargets.Read(target.Pid), MemoryKind.GlibcArena);
        Assert.Equal(2 * Threads, arenaRow.Count);
        Assert.True(arenaRow.RssPercent > 50, $"arenas are {arenaRow.RssPercent}% of RSS");
    }
}
