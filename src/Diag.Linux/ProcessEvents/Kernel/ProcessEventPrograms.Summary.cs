using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;
using K = Diag.Linux.ProcessEvents.Kernel.SummaryKeyLayout;
using V = Diag.Linux.ProcessEvents.Kernel.SummaryValueLayout;

namespace Diag.Linux.ProcessEvents.Kernel;

// -Summary: the event is counted in the kernel, per parent and executable, and never leaves it as a record, so a
// fork storm costs a map update per event and nothing can be lost on the way to user space.
internal sealed partial class ProcessEventPrograms
{
    /// <summary>
    /// Counts the event about the task in SlotTask in <paramref name="field"/> of its summary row: the key is the
    /// parent's executable and name and the task's (each executable's path walked into the executable map the first
    /// time). An exit also adds its lifetime and whether it was short. r9 must be the scratch value. Clobbers r0–r8.
    /// </summary>
    private void CountInSummary(short field, BpfAssembler.Label @out)
    {
        var summary = _maps.Summary!;
        var have = _a.NewLabel();

        // The parent: its executable and its leader's name.
        _a.Load(S.DoubleWord, R7, R10, SlotTask);
        _a.Load(S.DoubleWord, R7, R7, _offsets.TaskRealParent);
        _a.Store(S.DoubleWord, R10, SlotParent, R7);
        TaskExecutable(R7);
        EnsureExecutableKnown();
        CopyExecutableInto((short)(SlotKey + K.ParentInode));
        _a.Load(S.DoubleWord, R7, R10, SlotParent);
        _a.Load(S.DoubleWord, R7, R7, _offsets.TaskGroupLeader);
        CopyComm(R10, (short)(SlotKey + K.ParentComm), R7, _offsets.TaskComm);

        // The process itself (for an exec: its new program and name).
        _a.Load(S.DoubleWord, R7, R10, SlotTask);
        TaskExecutable(R7);
        EnsureExecutableKnown();
        CopyExecutableInto((short)(SlotKey + K.Inode));
        _a.Load(S.DoubleWord, R7, R10, SlotTask);
        _a.Load(S.DoubleWord, R7, R7, _offsets.TaskGroupLeader);
        CopyComm(R10, (short)(SlotKey + K.Comm), R7, _offsets.TaskComm);

        Lookup(summary, SlotKey);
        _a.JumpIf(C.NotEqual, R0, 0, have);
        for (short at = 0; at < V.Size; at += 8)
            _a.Store(S.DoubleWord, R10, (short)(SlotZero + at), 0);
        Update(summary, SlotKey, SlotZero, Interop.Libc.BPF_NOEXIST); // another CPU may insert it first: look again
        Lookup(summary, SlotKey);
        _a.JumpIf(C.NotEqual, R0, 0, have);
        CountLost(LostSlots.SummaryFull);
        _a.Jump(@out);

        _a.Mark(have);
        _a.Mov(R6, R0);
        _a.Mov(R1, 1);
        _a.AtomicAdd(R6, field, R1);
        _a.Load(S.DoubleWord, R1, R10, SlotTime);
        _a.Store(S.DoubleWord, R6, V.LastTime, R1);
        _a.Load(S.DoubleWord, R7, R10, SlotTask);
        _a.Load(S.Word, R1, R7, _offsets.TaskTgid);
        _a.Store(S.Word, R6, V.LastProcessId, R1);
        _a.Load(S.DoubleWord, R2, R7, _offsets.TaskRealParent);
        _a.Load(S.Word, R1, R2, _offsets.TaskTgid);
        _a.Store(S.Word, R6, V.LastParentId, R1);
        if (field == V.Exits)
        {
            var longLived = _a.NewLabel();
            _a.Load(S.DoubleWord, R2, R7, _offsets.TaskGroupLeader);
            _a.Load(S.DoubleWord, R2, R2, _offsets.TaskStartTime);
            _a.Load(S.DoubleWord, R1, R10, SlotTime);
            _a.Sub(R1, R2);                                   // lifetime, ns
            _a.AtomicAdd(R6, V.LifetimeSum, R1);
            _a.LoadImm64(R2, _settings.ShortLifetimeNanoseconds);
            _a.JumpIf(C.GreaterOrEqual, R1, R2, longLived);
            _a.Mov(R1, 1);
            _a.AtomicAdd(R6, V.ShortExits, R1);
            _a.Mark(longLived);
        }
    }

    /// <summary>Copies SlotExeKey (16 bytes: inode, device, 0) into the summary key at <paramref name="slot"/>.</summary>
    private void CopyExecutableInto(short slot)
    {
        _a.Load(S.DoubleWord, R1, R10, SlotExeKey);
        _a.Store(S.DoubleWord, R10, slot, R1);
        _a.Load(S.DoubleWord, R1, R10, SlotExeKey + 8);
        _a.Store(S.DoubleWord, R10, (short)(slot + 8), R1);
    }
}
