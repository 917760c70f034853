using Diag.Linux.MemoryStalls;
using Diag.Linux.Tests.Bpf;

namespace Diag.Linux.Tests.MemoryStalls;

/// <summary>Get-MemoryStall's engine on the real kernel: a process the test puts in a memory cgroup with a small limit
/// fills it with page cache (dd writing a file larger than the limit), so its thread reclaims at the cgroup's limit.</summary>
public sealed class MemoryStallTests
{
    private const long Limit = 48L << 20;

    [RootFact]
    public void A_thread_that_fills_its_cgroup_with_page_cache_is_reported_with_its_reclaim_time()
    {
        var file = $"/var/tmp/diag-stall-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using var cgroup = TestMemoryCgroup.Create(Limit);
        try
        {
            using var target = TargetProcess.Start("exec-on-line", "/bin/dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=256");
            cgroup.Add(target.Pid);
            var options = new MemoryStallOptions { Processes = new Dictionary<int, string> { [target.Pid] = "dd" } };
            using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // a fail-safe, not a timing assertion
            MemoryStallReport? stalled = null;
            var notes = new List<string>();
            var released = false;
            foreach (var item in MemoryStallSampler.Watch(options, TimeSpan.FromSeconds(1), continuous: true, cancel.Token))
            {
                if (item.Kind is MemoryStallItemKind.Verbose or MemoryStallItemKind.Warning) notes.Add(item.Message!);
                if (!released)
                {
                    // The watch (and its programs) runs before dd starts writing.
                    target.Send("go");
                    released = true;
                }
                if (item.Kind != MemoryStallItemKind.Report) continue;
                var report = item.Report!;
                Assert.Equal(target.Pid, report.ProcessId);
                if (report.CgroupReclaimTime > TimeSpan.Zero)
                {
                    stalled = report;
                    break;
                }
            }
            Assert.True(stalled is not null, "no window showed cgroup reclaim; notes: " + string.Join(" | ", notes));
            var thread = Assert.Single(stalled!.Threads, t => t.ThreadId == target.Pid);
            Assert.True(thread.CgroupReclaimTime > TimeSpan.Zero);
            Assert.True(thread.ReclaimCount > 0);
            Assert.True(thread.ReclaimedPages > 0);
            Assert.Equal(thread.StallTime, thread.ReclaimTime + thread.CompactionTime);
            Assert.Equal("dd", thread.ProcessName);
            Assert.Contains(stalled.Sources, s => s.StartsWith("eBPF", StringComparison.Ordinal));
            Assert.Contains("dd (" + target.Pid + ")", stalled.Diagnosis, StringComparison.Ordinal);
            Assert.Contains("reclaim", stalled.Diagnosis, StringComparison.Ordinal);
            Assert.NotNull(stalled.Memory);
            Assert.True(stalled.Memory.TotalBytes > 0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [RootFact]
    public void The_stall_programs_are_gone_once_the_watch_ends()
    {
        using var watch = MemoryStallWatch.Start(new MemoryStallOptions());
        var tracer = Assert.IsType<ReclaimTracer>(watch.Tracer);
        Assert.Contains("mm_vmscan_direct_reclaim_begin", tracer.Attached);
        Assert.Contains("mm_vmscan_memcg_reclaim_begin", tracer.Attached);
        var programs = tracer.ProgramIds.ToArray();
        var maps = tracer.MapIds.ToArray();
        Assert.NotEmpty(programs);
        Assert.All(programs, id => Assert.True(BpfObjects.ProgramExists(id)));
        var links = tracer.LinkIds.ToArray();
        watch.Dispose();
        Assert.Empty(BpfObjects.Leftovers(new Dictionary<BpfObjects.Kind, IReadOnlyCollection<uint>>
        {
            [BpfObjects.Kind.Program] = programs, [BpfObjects.Kind.Map] = maps, [BpfObjects.Kind.Link] = links,
        }));
    }

    [Fact]
    public void Without_eBPF_the_report_still_has_the_memory_picture_and_says_threads_were_not_timed()
    {
        var options = new MemoryStallOptions { UseTracing = false, Processes = new Dictionary<int, string> { [Environment.ProcessId] = "testhost" } };
        var items = MemoryStallSampler.Watch(options, TimeSpan.FromMilliseconds(300), continuous: false, CancellationToken.None).ToList();
        var report = Assert.Single(items, i => i.Kind == MemoryStallItemKind.Report).Report!;
        Assert.Equal(Environment.ProcessId, report.ProcessId);
        Assert.Null(report.DirectReclaimTime);
        Assert.Null(report.CompactionTime);
        Assert.True(report.Memory.TotalBytes > 0);
        Assert.True(report.Memory.FreeBytes > 0);
        Assert.True(report.Memory.MinWatermarkBytes > 0);
        if (File.Exists("/proc/pressure/memory")) Assert.NotNull(report.SystemPressure);
        if (!Diag.Linux.MemoryStalls.DelayAccountingSetting.IsOn("/", out _))
            Assert.Contains("could not be timed", report.Diagnosis, StringComparison.Ordinal);
        Assert.Contains(report.Sources, s => s.StartsWith("meminfo", StringComparison.Ordinal));
    }
}
