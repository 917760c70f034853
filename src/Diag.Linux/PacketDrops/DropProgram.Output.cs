using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.PacketDrops.DropRecordLayout;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.PacketDrops;

// What a drop that passed the filters becomes: a record in the ring buffer, or a count under its key.
internal sealed partial class DropProgram
{
    /// <summary>Time, place, CPU and stack, then the whole record into the ring buffer (counted as lost when it is full).</summary>
    private void Stream(BpfAssembler a)
    {
        a.Call(BpfHelper.KtimeGetNs);
        a.Store(S.DoubleWord, R10, RecordSlot + Timestamp, R0);
        a.Load(S.DoubleWord, R1, R6, 8);                    // location
        a.Store(S.DoubleWord, R10, RecordSlot + Location, R1);
        a.Call(BpfHelper.GetSmpProcessorId);
        a.Store(S.Word, R10, RecordSlot + Cpu, R0);
        ReadStackId(a);
        a.Mov(R9, R10);
        a.Add(R9, RecordSlot);
        _maps.Ring!.EmitOutput(a, R9, RecordSize, LostKeySlot);
    }

    /// <summary>
    /// The key (place, reason and namespace, stack, conntrack evidence; with ByFlow the flow and interface too) counted
    /// in the per-CPU hash: in place when it is there, inserted when not (another CPU may insert it meanwhile: then it is
    /// there), and in the overflow slot when the hash is full, so that no drop goes uncounted. The program never runs
    /// twice at once on one CPU (the kernel skips, and counts, a nested run), so the per-CPU adds need no atomics.
    /// </summary>
    private void Count(BpfAssembler a, BpfAssembler.Label @out)
    {
        var found = a.NewLabel();
        var full = a.NewLabel();
        a.Load(S.DoubleWord, R1, R6, 8);                    // location
        a.Store(S.DoubleWord, R10, RecordSlot + Location, R1);
        ReadStackId(a);

        Copy(a, S.DoubleWord, RecordSlot + Location, KeySlot + KeyLocation);
        Copy(a, S.DoubleWord, RecordSlot + Reason, KeySlot + KeyReason); // reason and namespace
        Copy(a, S.Word, RecordSlot + StackId, KeySlot + KeyStackId);
        Copy(a, S.Byte, RecordSlot + ConntrackSlot, KeySlot + KeyConntrack);
        Copy(a, S.Byte, RecordSlot + Evidence, KeySlot + KeyEvidence);
        if (_settings.ByFlow)
        {
            Copy(a, S.Byte, RecordSlot + Family, KeySlot + KeyFamily);
            Copy(a, S.Byte, RecordSlot + Protocol, KeySlot + KeyProtocol);
            for (var i = 0; i < 16; i += 8)
            {
                Copy(a, S.DoubleWord, RecordSlot + SourceAddress + i, KeySlot + KeySourceAddress + i);
                Copy(a, S.DoubleWord, RecordSlot + DestinationAddress + i, KeySlot + KeyDestinationAddress + i);
                Copy(a, S.DoubleWord, RecordSlot + InterfaceName + i, KeySlot + KeyInterfaceName + i);
            }
            Copy(a, S.Word, RecordSlot + SourcePort, KeySlot + KeyPorts);
            Copy(a, S.Word, RecordSlot + InterfaceIndex, KeySlot + KeyInterfaceIndex);
        }
        else
        {
            a.Store(S.HalfWord, R10, KeySlot + KeyFamily, 0);
        }

        SummaryLookup(a);
        a.JumpIf(C.NotEqual, R0, 0, found);
        a.Store(S.DoubleWord, R10, ValueSlot, 1);           // a new key: {1 drop, its length}
        a.Load(S.Word, R1, R10, RecordSlot + Length);
        a.Store(S.DoubleWord, R10, ValueSlot + 8, R1);
        a.LoadMap(R1, _maps.Summary!);
        a.Mov(R2, R10);
        a.Add(R2, KeySlot);
        a.Mov(R3, R10);
        a.Add(R3, ValueSlot);
        a.Mov(R4, (int)Libc.BPF_NOEXIST);
        a.Call(BpfHelper.MapUpdateElem);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.JumpIf(C.NotEqual, R0, -EExist, full);
        SummaryLookup(a);                                   // inserted by another CPU meanwhile
        a.JumpIf(C.NotEqual, R0, 0, found);

        a.Mark(full);                                       // no room: counted all the same, as overflow
        a.Store(S.Word, R10, OverflowKeySlot, 0);
        a.LoadMap(R1, _maps.Overflow!);
        a.Mov(R2, R10);
        a.Add(R2, OverflowKeySlot);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, @out);

        a.Mark(found);                                      // r0 = this CPU's {drops, bytes}
        a.Load(S.DoubleWord, R1, R0, 0);
        a.Add(R1, 1);
        a.Store(S.DoubleWord, R0, 0, R1);
        a.Load(S.DoubleWord, R1, R0, 8);
        a.Load(S.Word, R2, R10, RecordSlot + Length);
        a.Add(R1, R2);
        a.Store(S.DoubleWord, R0, 8, R1);
    }

    private void SummaryLookup(BpfAssembler a)
    {
        a.LoadMap(R1, _maps.Summary!);
        a.Mov(R2, R10);
        a.Add(R2, KeySlot);
        a.Call(BpfHelper.MapLookupElem);
    }

    /// <summary>With -Stack: the kernel stack's id in the record (a negative errno when it could not be stored).</summary>
    private void ReadStackId(BpfAssembler a)
    {
        if (_maps.Stacks is null)
            return;
        _maps.Stacks.EmitGetStackId(a, R6);
        a.Store(S.Word, R10, RecordSlot + StackId, R0);
    }
}
