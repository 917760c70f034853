using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;
using L = Diag.Linux.ProcessEvents.Kernel.ProcessRecordLayout;

namespace Diag.Linux.ProcessEvents.Kernel;

// The record's header: who the event is about, read from the task and its parent with direct (BTF) loads.
internal sealed partial class ProcessEventPrograms
{
    /// <summary>
    /// Fills the header of the record at r9 for the task in SlotTask: kind, time (SlotTime), ids, names, user, start,
    /// namespace pid, cgroup, the executable in SlotExeKey. The parent thread is the forking thread in SlotCurrent for
    /// a fork, the task's real_parent otherwise. Flags are stored by the caller, last. Clobbers r0–r5.
    /// </summary>
    private void TaskHeader(int kind)
    {
        _a.Store(S.Word, R9, L.Kind, kind);
        _a.Load(S.DoubleWord, R1, R10, SlotTime);
        _a.Store(S.DoubleWord, R9, L.Time, R1);

        _a.Load(S.DoubleWord, R6, R10, SlotTask);
        _a.Load(S.Word, R1, R6, _offsets.TaskTgid);
        _a.Store(S.Word, R9, L.ProcessId, R1);
        _a.Load(S.Word, R1, R6, _offsets.TaskPid);
        _a.Store(S.Word, R9, L.ThreadId, R1);
        _a.Load(S.DoubleWord, R2, R6, _offsets.TaskGroupLeader);
        CopyComm(R9, L.Comm, R2, _offsets.TaskComm);           // the process's name: its leader's (an exit's last thread may be a worker)
        _a.Load(S.DoubleWord, R2, R6, _offsets.TaskRealCred);
        _a.Load(S.Word, R1, R2, _offsets.CredUid);
        _a.Store(S.Word, R9, L.UserId, R1);
        _a.Load(S.Word, R1, R2, _offsets.CredGid);
        _a.Store(S.Word, R9, L.GroupId, R1);
        _a.Load(S.DoubleWord, R2, R6, _offsets.TaskGroupLeader);
        _a.Load(S.DoubleWord, R1, R2, _offsets.TaskStartTime);
        _a.Store(S.DoubleWord, R9, L.StartTime, R1);

        // The parent process (its leader's name) and the parent thread.
        _a.Load(S.DoubleWord, R2, R6, _offsets.TaskRealParent);
        _a.Load(S.Word, R1, R2, _offsets.TaskTgid);
        _a.Store(S.Word, R9, L.ParentId, R1);
        _a.Load(S.DoubleWord, R3, R2, _offsets.TaskGroupLeader);
        CopyComm(R9, L.ParentComm, R3, _offsets.TaskComm);
        if (kind == L.KindFork)
            _a.Load(S.DoubleWord, R2, R10, SlotCurrent);
        _a.Load(S.Word, R1, R2, _offsets.TaskPid);
        _a.Store(S.Word, R9, L.ParentThreadId, R1);
        CopyComm(R9, L.ParentThreadComm, R2, _offsets.TaskComm);

        _a.Load(S.DoubleWord, R1, R10, SlotExeKey + ExeKeyLayout.Inode);
        _a.Store(S.DoubleWord, R9, L.ExeInode, R1);
        _a.Load(S.Word, R1, R10, SlotExeKey + ExeKeyLayout.Device);
        _a.Store(S.Word, R9, L.ExeDevice, R1);

        NamespaceProcessId();
        // The child of a fork is not running yet: its cgroup is the parent's (CLONE_INTO_CGROUP aside).
        _a.Call(BpfHelper.GetCurrentCgroupId);
        _a.Store(S.DoubleWord, R9, L.CgroupId, R0);
    }

    /// <summary>The task's id in its own PID namespace: thread_pid->numbers[thread_pid->level].nr, and the level. The
    /// array index is variable, so the address is computed from the pointer's value and read with probe_read.</summary>
    private void NamespaceProcessId()
    {
        var done = _a.NewLabel();
        _a.Store(S.Word, R9, L.NamespaceProcessId, 0);
        _a.Load(S.DoubleWord, R6, R10, SlotTask);
        _a.Mov(R3, R6);
        _a.Add(R3, _offsets.TaskThreadPid);
        ProbeReadToStack(SlotRead, 8);                        // the struct pid * as a number
        _a.JumpIf(C.NotEqual, R0, 0, done);
        _a.Load(S.DoubleWord, R6, R10, SlotTask);
        _a.Load(S.DoubleWord, R1, R6, _offsets.TaskThreadPid);
        _a.JumpIf(C.Equal, R1, 0, done);
        _a.Load(S.Word, R4, R1, _offsets.PidLevel);
        _a.Store(S.Word, R9, L.NamespaceLevel, R4);
        _a.JumpIf(C.Greater, R4, 63, done);
        _a.Mul(R4, _offsets.UpidSize);
        _a.Load(S.DoubleWord, R3, R10, SlotRead);
        _a.Add(R3, _offsets.PidNumbers + _offsets.UpidNr);
        _a.Add(R3, R4);
        _a.Mov(R1, R9);
        _a.Add(R1, L.NamespaceProcessId);
        _a.Mov(R2, 4);
        _a.Call(BpfHelper.ProbeReadKernel);
        _a.Mark(done);
    }
}
