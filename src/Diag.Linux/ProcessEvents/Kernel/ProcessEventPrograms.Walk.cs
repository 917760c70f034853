using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.ProcessEvents.Kernel;

// The path of a struct path, walked in the kernel without bpf_d_path (which tracepoint programs may not call): from
// the dentry up through d_parent, crossing each mount's root to the dentry it is mounted on, until the root of the
// task's mount namespace. What d_path does, without its locks: a rename racing with the walk can give a mixed path,
// as it can for any reader of /proc/PID/exe at the same moment.
internal sealed partial class ProcessEventPrograms
{
    /// <summary>
    /// Walks the struct path whose address is in SlotWalkPath, writing its components leaf first, each NUL-terminated,
    /// at r9 + r8 onwards; the bytes written are counted in the u16 at r9 + <paramref name="lengthAt"/> and r8 ends
    /// after them.
    /// Writes stop before <paramref name="bound"/> (an offset in the scratch value). When the walk stops short of the
    /// root (the bound, <see cref="ProcessRecordLayout.WalkDepth"/> components, or an unreadable structure),
    /// <paramref name="cutFlag"/> is set in the flags at r9 + <paramref name="flagsAt"/> (<paramref name="flagsSize"/>
    /// bytes); with a <paramref name="deletedFlag"/>, a leaf that is unhashed (deleted) or its own parent (memfd,
    /// anonymous files) sets it. r9 must be the scratch value; clobbers r0–r5 and r8.
    /// <para>Each iteration that can end the walk leaves the verifier a state of its own; so that the rest of the
    /// program is not verified once per such state, the walk ends with the same state whichever way it ended: flags
    /// and length live in map memory (unknown to the verifier), and r8 is reloaded from them.</para>
    /// </summary>
    private void WalkPath(int bound, short lengthAt, short flagsAt, BpfSize flagsSize, int cutFlag, int deletedFlag)
    {
        var cut = _a.NewLabel();
        var done = _a.NewLabel();
        var loop = _a.NewLabel();
        var component = _a.NewLabel();
        var detached = _a.NewLabel();
        const int component_ = ProcessRecordLayout.ComponentCapacity;

        // The write offset lives in map memory (the length so far), not in r8: a register would carry each
        // iteration's own bounds into the next, and the verifier would follow every combination of them.
        _a.Store(S.DoubleWord, R10, SlotWalkStart, R8);
        _a.Store(S.HalfWord, R9, lengthAt, 0);
        _a.Load(S.DoubleWord, R3, R10, SlotWalkPath);
        ProbeReadToStack(SlotWalkStruct, 16);                // {mnt, dentry}
        _a.JumpIf(C.NotEqual, R0, 0, cut);
        _a.Load(S.DoubleWord, R3, R10, (short)(SlotWalkStruct + _offsets.PathMnt));
        _a.JumpIf(C.Equal, R3, 0, cut);
        _a.Mov(R1, R3);
        _a.Sub(R1, _offsets.MountMnt);                       // container_of(mnt, struct mount, mnt)
        _a.Store(S.DoubleWord, R10, SlotMount, R1);
        _a.Add(R3, _offsets.VfsmountRoot);
        ProbeReadToStack(SlotRoot, 8);                       // this mount's root dentry
        _a.JumpIf(C.NotEqual, R0, 0, cut);
        _a.Load(S.DoubleWord, R1, R10, (short)(SlotWalkStruct + _offsets.PathDentry));
        _a.Store(S.DoubleWord, R10, SlotDentry, R1);
        _a.Store(S.DoubleWord, R10, SlotCounter, 0);

        _a.Mark(loop);
        _a.Load(S.DoubleWord, R1, R10, SlotCounter);
        _a.JumpIf(C.GreaterOrEqual, R1, ProcessRecordLayout.WalkDepth, cut);
        _a.Add(R1, 1);
        _a.Store(S.DoubleWord, R10, SlotCounter, R1);
        _a.Load(S.DoubleWord, R1, R10, SlotDentry);
        _a.Load(S.DoubleWord, R2, R10, SlotRoot);
        _a.JumpIf(C.NotEqual, R1, R2, component);

        // At the root of this mount: continue from the dentry it is mounted on, in the parent mount.
        _a.Load(S.DoubleWord, R3, R10, SlotMount);
        _a.Add(R3, _offsets.MountParent);
        ProbeReadToStack(SlotTmp, 16);                       // {mnt_parent, mnt_mountpoint}
        _a.JumpIf(C.NotEqual, R0, 0, cut);
        _a.Load(S.DoubleWord, R1, R10, SlotTmp);
        _a.Load(S.DoubleWord, R2, R10, SlotMount);
        _a.JumpIf(C.Equal, R1, R2, done);                    // its own parent: the namespace's root
        _a.JumpIf(C.Equal, R1, 0, done);
        _a.Store(S.DoubleWord, R10, SlotMount, R1);
        _a.Load(S.DoubleWord, R2, R10, SlotTmp + 8);
        _a.Store(S.DoubleWord, R10, SlotDentry, R2);
        _a.Mov(R3, R1);
        _a.Add(R3, _offsets.MountMnt + _offsets.VfsmountRoot);
        ProbeReadToStack(SlotRoot, 8);
        _a.JumpIf(C.NotEqual, R0, 0, cut);
        _a.Jump(loop);

        // A component: {d_hash.pprev, d_parent, d_name.hash_len, d_name.name} in one read.
        _a.Mark(component);
        _a.Mov(R3, R1);
        _a.Add(R3, _offsets.DentryHashPprev);
        ProbeReadToStack(SlotTmp, 32);
        _a.JumpIf(C.NotEqual, R0, 0, cut);
        if (deletedFlag != 0)
        {
            var notDeleted = _a.NewLabel();
            _a.Load(S.DoubleWord, R1, R10, SlotCounter);
            _a.JumpIf(C.NotEqual, R1, 1, notDeleted);        // only the leaf
            _a.Load(S.DoubleWord, R1, R10, SlotTmp);
            _a.JumpIf(C.NotEqual, R1, 0, notDeleted);        // hashed
            SetMemoryFlags(flagsAt, flagsSize, deletedFlag);
            _a.Mark(notDeleted);
        }
        _a.Load(S.HalfWord, R8, R9, lengthAt);
        _a.Load(S.DoubleWord, R1, R10, SlotWalkStart);
        _a.Add(R8, R1);
        _a.JumpIf(C.Greater, R8, bound - component_, cut);
        _a.Mov(R1, R9);
        _a.Add(R1, R8);
        _a.Mov(R2, component_);
        _a.Load(S.DoubleWord, R3, R10, SlotTmp + 24);
        _a.Call(BpfHelper.ProbeReadKernelStr);
        _a.JumpIf(C.SignedLessOrEqual, R0, 0, cut);
        _a.Load(S.HalfWord, R1, R9, lengthAt);
        _a.Add(R1, R0);
        _a.Store(S.HalfWord, R9, lengthAt, R1);
        _a.Load(S.DoubleWord, R1, R10, SlotTmp + 8);
        _a.Load(S.DoubleWord, R2, R10, SlotDentry);
        _a.JumpIf(C.Equal, R1, R2, detached);
        _a.Store(S.DoubleWord, R10, SlotDentry, R1);
        _a.Jump(loop);

        // Its own parent without being a mount's root: a file of an internal mount (memfd, anonymous inode) or of a
        // tree cut off from its mount. It has no path from the root; d_path marks such files deleted.
        _a.Mark(detached);
        if (deletedFlag != 0)
            SetMemoryFlags(flagsAt, flagsSize, deletedFlag);
        _a.Jump(done);

        _a.Mark(cut);
        SetMemoryFlags(flagsAt, flagsSize, cutFlag);
        _a.Mark(done);
        _a.Load(S.HalfWord, R8, R9, lengthAt);               // the same state, whichever way the walk ended
        _a.Load(S.DoubleWord, R1, R10, SlotWalkStart);
        _a.Add(R8, R1);
        _a.Store(S.DoubleWord, R10, SlotCounter, 0);
        var joined = _a.NewLabel();
        _a.Jump(joined);                                     // a jump target: a point where the verifier prunes
        _a.Mark(joined);
    }

    /// <summary>*(size *)(r9 + at) |= bits (clobbers r1).</summary>
    private void SetMemoryFlags(short at, BpfSize size, int bits)
    {
        _a.Load(size, R1, R9, at);
        _a.Or(R1, bits);
        _a.Store(size, R9, at, R1);
    }
}
