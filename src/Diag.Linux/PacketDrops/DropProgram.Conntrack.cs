using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.PacketDrops.DropRecordLayout;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.PacketDrops;

// NETFILTER_DROP: what conntrack had attached to the packet, and whether conntrack itself dropped it.
internal sealed partial class DropProgram
{
    /// <summary>
    /// For a NETFILTER_DROP: the attachment (skb->_nfct: 0 no entry, the untracked mark 7, else an entry with its state in
    /// the low 3 bits), and, with the namespace in r9, conntrack's drop counter on this CPU. Conntrack counts a packet it
    /// drops (no room for an entry: a full table; an entry that could not be inserted) in its per-CPU statistics just
    /// before netfilter frees it, on the same CPU; a rule's drop leaves the counter alone. So the counter compared with
    /// its value at the previous netfilter drop in the namespace on this CPU says which it was.
    /// </summary>
    private void ReadConntrack(BpfAssembler a, bool withNamespace)
    {
        if (_settings.NetfilterDrop is not { } netfilter || _layout.Conntrack is not { } nfct)
            return;
        var done = a.NewLabel();
        var attached = a.NewLabel();
        a.JumpIf32(C.NotEqual, R8, unchecked((int)netfilter), done);
        a.Load(S.DoubleWord, R1, R7, nfct);                 // r1 = skb->_nfct
        a.Mov(R2, (int)ConntrackAttachment.None);
        a.JumpIf(C.Equal, R1, 0, attached);
        a.Mov(R2, (int)ConntrackAttachment.Untracked);
        a.And(R1, ~7);                                      // the entry without its state bits
        a.JumpIf(C.Equal, R1, 0, attached);
        a.Mov(R2, (int)ConntrackAttachment.Tracked);
        a.Mark(attached);
        a.Store(S.Byte, R10, RecordSlot + ConntrackSlot, R2);
        if (withNamespace && _settings.ReadsConntrackCounter)
            ConntrackCounter(a, done);
        a.Mark(done);
    }

    /// <summary>Reads this CPU's ip_conntrack_stat.drop of the namespace in r9 and compares it with the last one seen
    /// (per CPU, by namespace inode); the first one seen has nothing to compare with (Unknown) and is kept.</summary>
    private void ConntrackCounter(BpfAssembler a, BpfAssembler.Label done)
    {
        var first = a.NewLabel();
        var evidence = a.NewLabel();
        Copy(a, S.Word, RecordSlot + Namespace, NamespaceKeySlot);
        PerCpuOffset(a, done);                              // → OffsetSlot
        a.Mov(R1, R10);                                     // the per-CPU pointer net->ct.stat, as a number
        a.Add(R1, ScratchSlot);
        a.Mov(R2, 8);
        a.Mov(R3, R9);
        a.Add(R3, _layout.ConntrackStatistics!.Value);
        a.Call(BpfHelper.ProbeReadKernel);
        a.JumpIf(C.NotEqual, R0, 0, done);
        a.Load(S.DoubleWord, R3, R10, ScratchSlot);
        a.JumpIf(C.Equal, R3, 0, done);                     // no statistics: conntrack never set up in this namespace
        a.Load(S.DoubleWord, R1, R10, OffsetSlot);
        a.Add(R3, R1);
        a.Add(R3, _layout.ConntrackDropCounter);            // r3 = &this CPU's stat->drop
        a.Store(S.DoubleWord, R10, ScratchSlot, 0);
        a.Mov(R1, R10);
        a.Add(R1, ScratchSlot);
        a.Mov(R2, 4);
        a.Call(BpfHelper.ProbeReadKernel);
        a.JumpIf(C.NotEqual, R0, 0, done);

        a.LoadMap(R1, _maps.ConntrackBaseline!);
        a.Mov(R2, R10);
        a.Add(R2, NamespaceKeySlot);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, first);
        a.Load(S.DoubleWord, R1, R0, 0);                    // the counter at the last netfilter drop
        a.Load(S.DoubleWord, R2, R10, ScratchSlot);         // and now
        a.Store(S.DoubleWord, R0, 0, R2);
        a.Mov(R3, (int)ConntrackEvidence.Rose);
        a.JumpIf(C.NotEqual, R1, R2, evidence);
        a.Mov(R3, (int)ConntrackEvidence.Unchanged);
        a.Mark(evidence);
        a.Store(S.Byte, R10, RecordSlot + Evidence, R3);
        a.Jump(done);

        a.Mark(first);                                      // nothing to compare with yet: keep it for the next
        a.LoadMap(R1, _maps.ConntrackBaseline!);
        a.Mov(R2, R10);
        a.Add(R2, NamespaceKeySlot);
        a.Mov(R3, R10);
        a.Add(R3, ScratchSlot);
        a.Mov(R4, (int)Libc.BPF_NOEXIST);
        a.Call(BpfHelper.MapUpdateElem);
    }

    /// <summary>
    /// This CPU's per-CPU offset into <see cref="OffsetSlot"/> (to <paramref name="done"/> when it cannot be had): what
    /// turns a per-CPU pointer into this CPU's copy, as the kernel's per_cpu_ptr does. Learned once per CPU from the
    /// program's own per-CPU array, whose value on this CPU (what a lookup returns) lies at its per-CPU pointer
    /// (bpf_array.pptrs[0]) plus that offset. The two addresses become numbers by being stored in the map value, which
    /// the verifier allows a program loaded with CAP_PERFMON; the kernel's own this_cpu_off would need its data symbols
    /// in kallsyms (CONFIG_KALLSYMS_ALL), which not every kernel has.
    /// </summary>
    private void PerCpuOffset(BpfAssembler a, BpfAssembler.Label done)
    {
        var known = a.NewLabel();
        CpuOffsetLookup(a, done);
        a.Load(S.DoubleWord, R1, R0, 8);                    // learned on this CPU?
        a.JumpIf(C.NotEqual, R1, 0, known);
        a.Store(S.DoubleWord, R0, 16, R0);                  // this CPU's value's address, as a number
        a.LoadMap(R1, _maps.CpuOffset!);
        a.Store(S.DoubleWord, R0, 24, R1);                  // the map's address, as a number
        a.Load(S.DoubleWord, R3, R0, 24);
        a.Add(R3, _layout.PerCpuArrayBase);                 // &array->pptrs[0]
        a.Mov(R1, R10);
        a.Add(R1, ScratchSlot);
        a.Mov(R2, 8);
        a.Call(BpfHelper.ProbeReadKernel);
        a.JumpIf(C.NotEqual, R0, 0, done);
        CpuOffsetLookup(a, done);
        a.Load(S.DoubleWord, R1, R0, 16);
        a.Load(S.DoubleWord, R2, R10, ScratchSlot);
        a.Sub(R1, R2);                                      // value address - per-CPU pointer = this CPU's offset
        a.Store(S.DoubleWord, R0, 0, R1);
        a.Store(S.DoubleWord, R0, 8, 1);
        a.Mark(known);
        a.Load(S.DoubleWord, R1, R0, 0);
        a.Store(S.DoubleWord, R10, OffsetSlot, R1);
    }

    private void CpuOffsetLookup(BpfAssembler a, BpfAssembler.Label done)
    {
        a.Store(S.Word, R10, ZeroKeySlot, 0);
        a.LoadMap(R1, _maps.CpuOffset!);
        a.Mov(R2, R10);
        a.Add(R2, ZeroKeySlot);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, done);
    }
}
