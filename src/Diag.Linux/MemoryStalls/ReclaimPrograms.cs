using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.MemoryStalls.ReclaimStallLayout;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.MemoryStalls;

/// <summary>What the stall programs are built for: the kernel's layout and whether threads are kept for some processes only.</summary>
internal sealed record ReclaimProgramSettings
{
    /// <summary>Threads are kept one by one only for the processes of the selected map (the machine's totals count every thread).</summary>
    public bool Selective { get; init; }

    /// <summary>offsetof(struct compact_control, direct_compaction), from the kernel's BTF; null: compaction is not watched.</summary>
    public int? DirectCompactionOffset { get; init; }

    /// <summary>VMSCAN_THROTTLE_WRITEBACK, the reason mm_vmscan_throttled gives when reclaim waits for writeback, from the
    /// kernel's BTF; null: throttling is not watched.</summary>
    public int? WritebackReason { get; init; }

    /// <summary>bpf_probe_read_kernel (5.5), or bpf_probe_read before.</summary>
    public BpfHelper ProbeRead { get; init; } = BpfHelper.ProbeReadKernel;
}

/// <summary>
/// The kernel programs of Get-MemoryStall, written instruction by instruction for raw tracepoints (no tracefs), whose
/// context is the tracepoint's arguments as u64s. They measure what bcc's drsnoop measures, the time of each stall from
/// its begin to its end tracepoint in the thread that stalls, for each kind of memory stall:
/// <list type="bullet">
/// <item>vmscan:mm_vmscan_direct_reclaim_begin (int order, gfp_t gfp) and node_reclaim_begin (int nid, int order, gfp_t):
///   an allocation reclaiming memory itself because free memory fell below the min watermark;
///   vmscan:mm_vmscan_memcg_reclaim_begin: a charge reclaiming in its cgroup because usage reached the limit
///   (or memory.high). Each *_end (unsigned long nr_reclaimed) ends the thread's reclaim.</item>
/// <item>compaction:mm_compaction_begin (struct compact_control *cc, …) when cc->direct_compaction, and
///   mm_compaction_end: an allocation compacting memory itself (kcompactd's and proactive compaction are not stalls).</item>
/// <item>vmscan:mm_vmscan_throttled (int nid, int usec_timeout, int usec_delayed, int reason) inside a reclaim: how long
///   it slept, and how much of it waiting for dirty pages to be written back.</item>
/// </list>
/// A stall's start goes into the starts map by thread id; its end adds the time to the machine's per-CPU totals and,
/// for a selected process (or every one), to the thread's totals with atomic adds. A thread whose start was not seen
/// (already stalling when the watch began) is not counted, as in drsnoop; user space reads the starts still open as the
/// stalls in progress.
/// </summary>
/// <remarks>Registers kept across helper calls: r6 the context, r7 pid_tgid (tgid &lt;&lt; 32 | tid), r8 the stall's
/// duration, r9 the reclaim kind.</remarks>
internal sealed class ReclaimPrograms
{
    // Stack slots, as offsets from r10.
    private const short SlotThreadKey = -4;     // u32 tid: key of starts and threads
    private const short SlotGroupKey = -8;      // u32 tgid: key of selected
    private const short SlotZeroKey = -12;      // u32 0: key of totals
    private const short SlotLostKey = -16;      // u32 lost slot
    private const short SlotNow = -24;          // u64 time at the end tracepoint
    private const short SlotPages = -32;        // u64 pages reclaimed
    private const short SlotThrottled = -40;    // u64 µs throttled in this reclaim
    private const short SlotWriteback = -48;    // u64 µs of it for writeback
    private const short SlotStart = -88;        // a new start value, 40 bytes (-88..-49)
    private const short SlotNewThread = -184;   // a new thread value, 96 bytes (-184..-89)
    private const short SlotRead = -192;        // u64 probe_read destination

    private readonly ReclaimProgramSettings _settings;
    private readonly ReclaimMaps _maps;

    public ReclaimPrograms(ReclaimProgramSettings settings, ReclaimMaps maps)
    {
        _settings = settings;
        _maps = maps;
    }

    /// <summary>*_reclaim_begin: starts[tid] = { now, kind } unless a reclaim is already open (reclaim does not nest; the outer one is kept).</summary>
    public BpfInstruction[] ReclaimBegin(int kind)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var insert = a.NewLabel();
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        StoreThreadKey(a);
        a.LookupStackKey(_maps.Starts, SlotThreadKey);
        a.JumpIf(C.Equal, R0, 0, insert);
        a.Load(S.DoubleWord, R1, R0, StartReclaim);
        a.JumpIf(C.NotEqual, R1, 0, @out);
        a.Mov(R8, R0);
        a.Store(S.DoubleWord, R8, StartThrottled, 0);
        a.Store(S.DoubleWord, R8, StartWritebackThrottled, 0);
        a.Mov(R1, R7);
        a.Rsh(R1, 32);
        a.Store(S.Word, R8, StartThreadGroup, R1);
        a.Store(S.Word, R8, StartKind, kind);
        a.Call(BpfHelper.KtimeGetNs);                       // the time last: closest to the stall itself
        a.Store(S.DoubleWord, R8, StartReclaim, R0);
        a.Jump(@out);

        a.Mark(insert);
        NewStart(a, SlotStart + StartReclaim, kind);
        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>*_reclaim_end (unsigned long nr_reclaimed): closes the thread's open reclaim and counts it.</summary>
    public BpfInstruction[] ReclaimEnd()
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var thread = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.KtimeGetNs);                       // the time first: closest to the stall's end
        a.Store(S.DoubleWord, R10, SlotNow, R0);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        StoreThreadKey(a);
        a.LookupStackKey(_maps.Starts, SlotThreadKey);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Load(S.DoubleWord, R1, R0, StartReclaim);
        a.JumpIf(C.Equal, R1, 0, @out);                     // no open reclaim: it began before the watch
        a.Store(S.DoubleWord, R0, StartReclaim, 0);         // taken
        a.Load(S.Word, R9, R0, StartKind);
        a.Load(S.DoubleWord, R2, R0, StartThrottled);
        a.Store(S.DoubleWord, R10, SlotThrottled, R2);
        a.Load(S.DoubleWord, R2, R0, StartWritebackThrottled);
        a.Store(S.DoubleWord, R10, SlotWriteback, R2);
        a.Load(S.DoubleWord, R8, R10, SlotNow);
        a.Sub(R8, R1);                                      // r8 = duration
        a.Load(S.DoubleWord, R1, R6, 0);                    // nr_reclaimed
        a.Store(S.DoubleWord, R10, SlotPages, R1);

        TotalsValue(a, thread);
        AddReclaim(a, atomic: false);
        a.Mark(thread);
        ThreadValue(a, @out);
        AddReclaim(a, atomic: true);
        Longest(a);
        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>compaction:mm_compaction_begin (struct compact_control *cc, …): starts[tid].compaction = now when cc->direct_compaction.</summary>
    public BpfInstruction[] CompactionBegin()
    {
        var offset = _settings.DirectCompactionOffset ?? throw new InvalidOperationException("compaction is watched only with the kernel's layout");
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var insert = a.NewLabel();
        a.Load(S.DoubleWord, R3, R1, 0);                    // r3 = cc
        a.Add(R3, offset);                                  //      + offsetof(direct_compaction)
        a.Mov(R1, R10);
        a.Add(R1, SlotRead);
        a.Mov(R2, 1);
        a.Store(S.DoubleWord, R10, SlotRead, 0);
        a.Call(_settings.ProbeRead);
        a.JumpIf(C.NotEqual, R0, 0, @out);
        a.Load(S.Byte, R1, R10, SlotRead);
        a.JumpIf(C.Equal, R1, 0, @out);                     // kcompactd, proactive or manual compaction: nobody waits
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        StoreThreadKey(a);
        a.LookupStackKey(_maps.Starts, SlotThreadKey);
        a.JumpIf(C.Equal, R0, 0, insert);
        a.Mov(R8, R0);
        a.Mov(R1, R7);
        a.Rsh(R1, 32);
        a.Store(S.Word, R8, StartThreadGroup, R1);
        a.Call(BpfHelper.KtimeGetNs);
        a.Store(S.DoubleWord, R8, StartCompaction, R0);
        a.Jump(@out);

        a.Mark(insert);
        NewStart(a, SlotStart + StartCompaction, kind: 0);
        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>compaction:mm_compaction_end: closes the thread's open direct compaction and counts it.</summary>
    public BpfInstruction[] CompactionEnd()
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var thread = a.NewLabel();
        a.Call(BpfHelper.KtimeGetNs);
        a.Store(S.DoubleWord, R10, SlotNow, R0);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        StoreThreadKey(a);
        a.LookupStackKey(_maps.Starts, SlotThreadKey);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Load(S.DoubleWord, R1, R0, StartCompaction);
        a.JumpIf(C.Equal, R1, 0, @out);                     // not direct, or begun before the watch
        a.Store(S.DoubleWord, R0, StartCompaction, 0);
        a.Load(S.DoubleWord, R8, R10, SlotNow);
        a.Sub(R8, R1);

        TotalsValue(a, thread);
        AddCompaction(a, atomic: false);
        a.Mark(thread);
        ThreadValue(a, @out);
        AddCompaction(a, atomic: true);
        Longest(a);
        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>vmscan:mm_vmscan_throttled (int nid, int usec_timeout, int usec_delayed, int reason): inside an open
    /// reclaim, adds the time slept to it (and to its writeback share when the reason is writeback). kswapd's throttling,
    /// outside any measured reclaim, is not a stall of anyone.</summary>
    public BpfInstruction[] Throttled()
    {
        var writeback = _settings.WritebackReason ?? throw new InvalidOperationException("throttling is watched only with the kernel's layout");
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        StoreThreadKey(a);
        a.LookupStackKey(_maps.Starts, SlotThreadKey);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Load(S.DoubleWord, R1, R0, StartReclaim);
        a.JumpIf(C.Equal, R1, 0, @out);
        a.Load(S.Word, R1, R6, 16);                         // usec_delayed (an int: its low half)
        a.Load(S.Word, R2, R6, 24);                         // reason
        a.Load(S.DoubleWord, R3, R0, StartThrottled);       // only this thread writes its open reclaim: plain adds
        a.Add(R3, R1);
        a.Store(S.DoubleWord, R0, StartThrottled, R3);
        a.JumpIf(C.NotEqual, R2, writeback, @out);
        a.Load(S.DoubleWord, R3, R0, StartWritebackThrottled);
        a.Add(R3, R1);
        a.Store(S.DoubleWord, R0, StartWritebackThrottled, R3);
        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>A new start value on the stack with the time at <paramref name="timeSlot"/>, inserted into starts.</summary>
    private void NewStart(BpfAssembler a, int timeSlot, int kind)
    {
        for (short i = 0; i < StartSize; i += 8)
            a.Store(S.DoubleWord, R10, (short)(SlotStart + i), 0);
        a.Mov(R1, R7);
        a.Rsh(R1, 32);
        a.Store(S.Word, R10, SlotStart + StartThreadGroup, R1);
        a.Store(S.Word, R10, SlotStart + StartKind, kind);
        a.Call(BpfHelper.KtimeGetNs);
        a.Store(S.DoubleWord, R10, (short)timeSlot, R0);
        a.UpdateFromStack(_maps.Starts, SlotThreadKey, SlotStart, Interop.Libc.BPF_ANY);
        var done = a.NewLabel();
        a.JumpIf(C.Equal, R0, 0, done);
        CountLost(a, LostStarts);
        a.Mark(done);
    }

    /// <summary>r0 = this CPU's machine totals, or goes to <paramref name="skip"/> (never: key 0 of a one-entry array).</summary>
    private void TotalsValue(BpfAssembler a, BpfAssembler.Label skip)
    {
        a.Store(S.Word, R10, SlotZeroKey, 0);
        a.LookupStackKey(_maps.Totals, SlotZeroKey);
        a.JumpIf(C.Equal, R0, 0, skip);
    }

    /// <summary>r0 = this thread's totals, created when missing; goes to <paramref name="out"/> for a thread of an unselected
    /// process, or when the map has no room (counted).</summary>
    private void ThreadValue(BpfAssembler a, BpfAssembler.Label @out)
    {
        var have = a.NewLabel();
        if (_settings.Selective)
        {
            a.Mov(R1, R7);
            a.Rsh(R1, 32);
            a.Store(S.Word, R10, SlotGroupKey, R1);
            a.LookupStackKey(_maps.Selected!, SlotGroupKey);
            a.JumpIf(C.Equal, R0, 0, @out);
        }
        a.LookupStackKey(_maps.Threads, SlotThreadKey);
        a.JumpIf(C.NotEqual, R0, 0, have);
        // The thread's first stall: insert zeroes and its tgid (BPF_NOEXIST: the reader may be deleting it meanwhile).
        for (short i = 0; i < ValueSize; i += 8)
            a.Store(S.DoubleWord, R10, (short)(SlotNewThread + i), 0);
        a.Mov(R1, R7);
        a.Rsh(R1, 32);
        a.Store(S.Word, R10, SlotNewThread + ThreadGroup, R1);
        a.UpdateFromStack(_maps.Threads, SlotThreadKey, SlotNewThread, Interop.Libc.BPF_NOEXIST);
        a.LookupStackKey(_maps.Threads, SlotThreadKey);
        a.JumpIf(C.NotEqual, R0, 0, have);
        CountLost(a, LostThreads);
        a.Jump(@out);
        a.Mark(have);
    }

    /// <summary>Adds a reclaim of kind r9 and duration r8 to the value at r0: its time and count (the cgroup fields for a
    /// cgroup reclaim), pages and throttling. Per-CPU totals take plain adds (tracepoints run with preemption off); a
    /// thread's value, in a shared hash, atomic ones.</summary>
    private static void AddReclaim(BpfAssembler a, bool atomic)
    {
        var direct = a.NewLabel();
        a.Mov(R3, R0);
        a.JumpIf(C.NotEqual, R9, KindCgroup, direct);
        a.Add(R3, CgroupShift);
        a.Mark(direct);
        Add(a, R3, DirectNanoseconds, R8, atomic);
        a.Mov(R1, 1);
        Add(a, R3, DirectCount, R1, atomic);
        a.Load(S.DoubleWord, R1, R10, SlotPages);
        Add(a, R0, ReclaimedPages, R1, atomic);
        a.Load(S.DoubleWord, R1, R10, SlotThrottled);
        Add(a, R0, ThrottledMicroseconds, R1, atomic);
        a.Load(S.DoubleWord, R1, R10, SlotWriteback);
        Add(a, R0, WritebackThrottledMicroseconds, R1, atomic);
    }

    private static void AddCompaction(BpfAssembler a, bool atomic)
    {
        Add(a, R0, CompactionNanoseconds, R8, atomic);
        a.Mov(R1, 1);
        Add(a, R0, CompactionCount, R1, atomic);
    }

    /// <summary>*(u64 *)(value + offset) += amount (clobbers r2 for a plain add).</summary>
    private static void Add(BpfAssembler a, BpfRegister value, short offset, BpfRegister amount, bool atomic)
    {
        if (atomic)
        {
            a.AtomicAdd(value, offset, amount);
            return;
        }
        a.Load(S.DoubleWord, R2, value, offset);
        a.Add(R2, amount);
        a.Store(S.DoubleWord, value, offset, R2);
    }

    /// <summary>longest = max(longest, r8) in the thread's value at r0 (only the thread itself writes it), restarted when
    /// the reader has begun a new window (epoch): the longest stall is the window's, not the watch's.</summary>
    private void Longest(BpfAssembler a)
    {
        var sameWindow = a.NewLabel();
        var done = a.NewLabel();
        a.LoadMapValue(R2, _maps.Epoch, 0);
        a.Load(S.DoubleWord, R2, R2, 0);                    // r2 = the window being counted
        a.Load(S.DoubleWord, R1, R0, LongestEpoch);
        a.JumpIf(C.Equal, R1, R2, sameWindow);
        a.Store(S.DoubleWord, R0, LongestEpoch, R2);
        a.Store(S.DoubleWord, R0, LongestNanoseconds, R8);
        a.Jump(done);
        a.Mark(sameWindow);
        a.Load(S.DoubleWord, R1, R0, LongestNanoseconds);
        a.JumpIf(C.GreaterOrEqual, R1, R8, done);
        a.Store(S.DoubleWord, R0, LongestNanoseconds, R8);
        a.Mark(done);
    }

    private static void StoreThreadKey(BpfAssembler a)
    {
        a.Mov32(R1, R7);
        a.Store(S.Word, R10, SlotThreadKey, R1);
    }

    private static void Epilogue(BpfAssembler a, BpfAssembler.Label @out)
    {
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
    }

    /// <summary>lost[slot]++ (per CPU).</summary>
    private void CountLost(BpfAssembler a, int slot)
    {
        var done = a.NewLabel();
        a.Store(S.Word, R10, SlotLostKey, slot);
        a.LookupStackKey(_maps.Lost, SlotLostKey);
        a.JumpIf(C.Equal, R0, 0, done);
        a.Load(S.DoubleWord, R1, R0, 0);
        a.Add(R1, 1);
        a.Store(S.DoubleWord, R0, 0, R1);
        a.Mark(done);
    }
}
