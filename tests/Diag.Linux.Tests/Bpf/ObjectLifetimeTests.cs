using System.Globalization;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.Tests.Tracing.Kernel;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;
using Kind = Diag.Linux.Tests.Bpf.BpfObjects.Kind;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// Nothing the layer creates outlives its owner: 200 create/dispose cycles of every kind of kernel object leave
/// no descriptor and no mapping in this process and none of the created ids in the kernel; failed loads and
/// attaches leave nothing either; and a process killed with SIGKILL while holding one of everything leaves none
/// of its ids behind. Other processes load BPF objects meanwhile: only the ids created here are looked at.
/// </summary>
public sealed class ObjectLifetimeTests
{
    private const int Cycles = 200;

    /// <summary>The kinds of descriptor the layer opens.</summary>
    private static readonly string[] DescriptorKinds =
    [
        "anon_inode:bpf-map", "anon_inode:bpf-prog", "anon_inode:bpf_link", "anon_inode:[perf_event]", "anon_inode:bpf_iter",
        "anon_inode:[eventpoll]", "anon_inode:[eventfd]", "anon_inode:btf",
    ];

    public static TheoryData<string> BasicKinds => new(BpfObjectCatalog.Basic);

    [Theory]
    [MemberData(nameof(BasicKinds))]
    public void CreatedAndDisposedTwoHundredTimesLeavesNothing(string kind) => Cycle(kind);

    [FentryFact]
    public void FentryLinksCreatedAndDisposedTwoHundredTimesLeaveNothing()
    {
        Cycle("fentry-link");
        Cycle("fexit-link");
    }

    [KprobesFact]
    public void KprobeLinksCreatedAndDisposedTwoHundredTimesLeaveNothing() => Cycle("kprobe-link");

    [KprobeMultiFact]
    public void KprobeMultiLinksCreatedAndDisposedTwoHundredTimesLeaveNothing() => Cycle("kprobe-multi-link");

    [Fact]
    public void FailedLoadsAndAttachesLeaveNothing()
    {
        using var counts = CounterMap(BpfMapType.Array);
        using var program = BpfProgram.LoadRawTracepoint("diag_test_raw", Counter(counts, 1, Context.SysEnter));
        using var uprobe = BpfProgram.LoadKprobe("diag_test_up", Counter(counts, 1, Context.Any));
        var bad = new BpfAssembler();
        bad.Mov(BpfRegister.R0, BpfRegister.R2); // r2 is not initialized at entry
        bad.Exit();
        var refused = bad.Build();
        Attempt(); // first use
        var before = BpfObjects.OpenFds();
        for (var i = 0; i < Cycles; i++)
            Attempt();
        AssertNoGrowth(before);

        void Attempt()
        {
            Assert.Throws<BpfProgramRejectedException>(() => BpfProgram.LoadRawTracepoint("diag_test_bad", refused));
            Assert.Throws<SyscallException>(() => RawTracepointLink.Attach(program, "diag_no_such_tracepoint"));
            Assert.Throws<SyscallException>(() => PerfEventLink.AttachUprobe(uprobe, "/diag/no/such/file", 0));
            Assert.Throws<SyscallException>(() => BpfMap.Create("diag_test_bad", BpfMapType.Hash, 0, 8, 1)); // a zero-size key
            Assert.ThrowsAny<Exception>(() => KprobeSet.Attach("diag_test_multi", Counter(counts, 1, Context.Any), ["diag_no_such_function"]));
        }
    }

    [Fact]
    public void AKilledOwnerLeavesNoObjectBehind()
    {
        using var holder = KernelProbe.Start([], ["hold"], "bpf-probe");
        var ids = new Dictionary<Kind, List<uint>>();
        var kinds = new List<string>();
        string? line;
        while ((line = holder.StandardOutput.ReadLine()) is not null && line != "READY")
        {
            if (line.StartsWith("IDS ", StringComparison.Ordinal))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                kinds.Add(fields[1]);
                foreach (var id in fields.Skip(2))
                {
                    var (kind, number) = (Enum.Parse<Kind>(id[..id.IndexOf(':')]), uint.Parse(id[(id.IndexOf(':') + 1)..], CultureInfo.InvariantCulture));
                    ids.TryAdd(kind, new List<uint>());
                    ids[kind].Add(number);
                }
            }
        }
        if (line != "READY")
        {
            holder.WaitForExit(30_000); // it failed: its error output is complete once it has exited
            Assert.Fail("the holder did not make its objects: " + holder.StandardError.ReadToEnd());
        }
        Assert.Equal(BpfObjectCatalog.AvailableKinds.Order(), kinds.Order());
        Assert.All(ids, k => Assert.All(k.Value, id => Assert.True(BpfObjects.Exists(k.Key, id), $"{k.Key} {id} exists while held")));
        Assert.True(ids[Kind.Link].Count >= 5);

        holder.Kill(); // SIGKILL: no Dispose, no finalizer
        Assert.True(holder.WaitForExit(30_000));
        var created = ids.ToDictionary(k => k.Key, k => (IReadOnlyCollection<uint>)k.Value);
        Assert.Empty(BpfObjects.Leftovers(created));
    }

    private static void Cycle(string kind)
    {
        BpfObjectCatalog.Create(kind).Dispose(); // first use: lazily opened files of the runtime and the test
        var before = BpfObjects.OpenFds();
        var mappings = BpfObjects.BpfMappings();
        var created = new Dictionary<Kind, List<uint>> { [Kind.Program] = new(), [Kind.Map] = new(), [Kind.Link] = new() };
        var perCycle = 0;
        for (var i = 0; i < Cycles; i++)
        {
            using var objects = BpfObjectCatalog.Create(kind);
            perCycle = objects.Ids.Count;
            foreach (var (k, id) in objects.Ids)
                created[k].Add(id);
        }
        AssertNoGrowth(before);
        Assert.Equal(mappings, BpfObjects.BpfMappings());
        Assert.Equal(Cycles * perCycle, created.Values.Sum(ids => ids.Distinct().Count()));
        Assert.Empty(BpfObjects.Leftovers(created.ToDictionary(c => c.Key, c => (IReadOnlyCollection<uint>)c.Value)));
    }

    /// <summary>No kind of descriptor is more numerous than before (the layer's kinds exactly as before). A file
    /// another thread of the test host reads at this instant is gone at the next look; a leak is not.</summary>
    private static void AssertNoGrowth(Dictionary<string, int> before)
    {
        var after = BpfObjects.OpenFds();
        for (var look = 0; look < 50 && Grown(before, after).Count > 0; look++)
        {
            Thread.Sleep(20);
            after = BpfObjects.OpenFds();
        }
        foreach (var kind in DescriptorKinds)
            Assert.Equal($"{kind}={before.GetValueOrDefault(kind)}", $"{kind}={after.GetValueOrDefault(kind)}");
        Assert.True(Grown(before, after).Count == 0, $"grown: {string.Join(", ", Grown(before, after))}");
    }

    private static List<string> Grown(Dictionary<string, int> before, Dictionary<string, int> after) =>
        after.Where(kv => !IsRuntimeImage(kv.Key) && kv.Value > before.GetValueOrDefault(kv.Key))
            .Select(kv => $"{kv.Key} {before.GetValueOrDefault(kv.Key)} -> {kv.Value}").ToList();

    private static bool IsRuntimeImage(string target) =>
        target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal);
}
