using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>Seed 004: which threads mapped glibc's per-thread malloc arenas.</summary>
public sealed class ArenaTests
{
    private const ulong ArenaReservation = 128UL << 20, ArenaHeap = 64UL << 20;

    [Fact]
    public void EventsShowArenaMappingsWithTheThreadsThatMadeThem()
    {
        var mmap = TraceTestSupport.Number("mmap");
        var munmap = TraceTestSupport.Number("munmap");
        var (result, events, _) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("arenas", "4"),
            new TraceOptions { CollectEvents = true, Syscalls = new HashSet<int> { mmap, munmap } });

        Assert.Equal(0, result.ExitCode);
        Assert.All(events, e => Assert.Contains(e.Syscall, new[] { "mmap", "munmap" }));
        var arenaMaps = events
            .Where(e => e.Syscall == "mmap" && e.Completed && e.Error is null)
            .Where(e => e.Arguments.Single(a => a.Name == "length").RawValue is ArenaReservation or ArenaHeap)
            .ToList();
        var fromThreads = arenaMaps.Where(e => e.ThreadId != e.ProcessId).ToList();
        Assert.NotEmpty(fromThreads);
        Assert.All(fromThreads, e => Assert.Contains("PROT_NONE", e.ArgumentText, StringComparison.Ordinal));
        // Several worker threads, each with its own arena, are named by TID.
        Assert.True(fromThreads.Select(e => e.ThreadId).Distinct().Count() >= 2,
            "arena mappings from " + string.Join(", ", fromThreads.Select(e => e.ThreadId)));
        Assert.All(events, e => Assert.True(e.Timestamp > DateTime.UtcNow.AddMinutes(-5) && e.Timestamp <= DateTime.UtcNow));
    }
}
