using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;

namespace Diag.Linux.Tests.Bpf;

/// <summary>Each map type is created, written by a program attached to raw_syscalls:sys_enter while this thread
/// makes a known number of getrusage calls, read back exactly, and freed.</summary>
public sealed class MapTests
{
    public static TheoryData<string> CounterTypes => new()
    {
        nameof(BpfMapType.Hash), nameof(BpfMapType.PerCpuHash), nameof(BpfMapType.Array), nameof(BpfMapType.PerCpuArray),
        nameof(BpfMapType.LruHash), nameof(BpfMapType.LruPerCpuHash),
    };

    [Theory]
    [MemberData(nameof(CounterTypes))]
    public void AProgramCountsIntoTheMapAndTheCountReadsBackExactly(string typeName)
    {
        var type = Enum.Parse<BpfMapType>(typeName);
        uint mapId, programId;
        var tid = Libc.GetTid();
        using (var counts = CounterMap(type))
        {
            mapId = counts.Id;
            using var program = BpfProgram.LoadRawTracepoint("diag_test_count", Counter(counts, tid, Context.SysEnter));
            programId = program.Id;
            using (RawTracepointLink.Attach(program, "sys_enter"))
                Assert.Equal(tid, Getrusage(321));
            Getrusage(50); // detached: not counted
            Assert.Equal(321, Count(counts, tid));
            Assert.Equal(counts.IsPerCpu, type is BpfMapType.PerCpuArray or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash);
        }
        Assert.True(BpfObjects.AllGone([programId], [mapId]), "the map and the program were freed");
    }

    [Fact]
    public void APerCpuLookupReturnsOneValuePerPossibleCpu()
    {
        using var counts = CounterMap(BpfMapType.PerCpuArray);
        var values = new ulong[PossibleCpus.Count];
        Assert.True(counts.TryLookupPerCpu(0u, values.AsSpan()));
        Assert.All(values, v => Assert.Equal(0UL, v));
        Assert.Throws<ArgumentException>(() => counts.TryLookupPerCpu(0u, new ulong[PossibleCpus.Count - 1].AsSpan()));
        Assert.Equal(8 * PossibleCpus.Count, counts.LookupSize);
    }

    [Fact]
    public void AnLruHashEvictsWhereAHashRefuses()
    {
        using var lru = CounterMap(BpfMapType.LruHash, entries: 64);
        using var hash = CounterMap(BpfMapType.Hash, entries: 64);
        for (uint key = 0; key < 1000; key++)
            lru.Update(key, (ulong)key);
        Assert.True(lru.TryLookup(999u, out ulong last));
        Assert.Equal(999UL, last);
        Assert.InRange(lru.Keys().Distinct(new KeyBytes()).Count(), 1, 64); // old keys were evicted: never more than its size

        for (uint key = 0; key < 64; key++)
            hash.Update(key, 1UL);
        var full = Assert.Throws<SyscallException>(() => hash.Update(64u, 1UL));
        Assert.Equal(Errno.E2BIG, full.Errno);
    }

    [Fact]
    public void UserSpaceUpdatesLookupsDeletesAndWalksAHash()
    {
        using var map = CounterMap(BpfMapType.Hash);
        Assert.False(map.TryLookup(7u, out ulong _));
        map.Update(7u, 70UL);
        map.Update(8u, 80UL, Libc.BPF_NOEXIST);
        Assert.Equal(Errno.EEXIST, Assert.Throws<SyscallException>(() => map.Update(8u, 81UL, Libc.BPF_NOEXIST)).Errno);
        Assert.True(map.TryLookup(8u, out ulong eight));
        Assert.Equal(80UL, eight);
        Assert.Equal([7u, 8u], map.Keys().Select(k => BitConverter.ToUInt32(k)).Order());
        unsafe
        {
            var key = 7u;
            Assert.True(map.Delete(&key));
            Assert.False(map.Delete(&key));
        }
        Assert.Throws<ArgumentException>(() => map.Update(1UL, 1UL)); // an 8-byte key for a 4-byte-key map
    }

    [Fact]
    public void ADisposedMapRefusesToBeUsed()
    {
        var map = CounterMap(BpfMapType.Array);
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.Update(0u, 1UL));
        map.Dispose(); // twice is fine
    }

    private sealed class KeyBytes : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => BitConverter.ToInt32(obj);
    }
}
