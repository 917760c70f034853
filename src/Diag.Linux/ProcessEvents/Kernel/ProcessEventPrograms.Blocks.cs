using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.ProcessEvents.Kernel;

// The building blocks every program uses: stack slots, map calls, lost counters, flags, and the identity of a task's
// executable (device and inode from mm->exe_file, the file's path walked once into the executable map).
internal sealed partial class ProcessEventPrograms
{
    // Stack slots, as offsets from r10 (each 8-byte aligned: a spilled pointer keeps its type).
    private const short SlotKey = -64;          // the summary key, 64 bytes
    private const short SlotZero = -128;        // an all-zero summary value, 64 bytes
    private const short SlotExeKey = -144;      // {u64 inode, u32 device, u32 0}
    private const short SlotSmallKey = -152;    // a u32 key (filters, lost counters, the scratch index), then its value
    private const short SlotCommKey = -168;     // a comm, 16 bytes (the -Name filter)
    private const short SlotWalkPath = -176;    // the address of the struct path a walk starts from
    private const short SlotWalkStruct = -192;  // {mnt, dentry} read from it
    private const short SlotMount = -200;       // the walk's struct mount *
    private const short SlotDentry = -208;      // the walk's dentry
    private const short SlotRoot = -216;        // the root dentry of the walk's mount
    private const short SlotCounter = -224;     // loop counter
    private const short SlotTmp = -256;         // 32 bytes read at once: {d_hash.pprev, d_parent, d_name} or {mnt_parent, mnt_mountpoint}
    private const short SlotFlags = -264;       // the record's flags
    private const short SlotTime = -280;        // ktime of the event
    private const short SlotTask = -288;        // the task the event is about (a BTF pointer)
    private const short SlotParent = -296;      // its parent (a BTF pointer)
    private const short SlotRead = -304;        // a probe_read destination
    private const short SlotWalkStart = -320;   // a walk's first offset
    private const short SlotExeFile = -328;     // struct file * of an executable (a BTF pointer)
    private const short SlotCode = -336;        // errno of a failed exec
    private const short SlotArgv = -344;        // the user argv pointer of a failed exec
    private const short SlotBprm = -352;        // struct linux_binprm * (exec) or struct pt_regs * (failed exec)
    private const short SlotCurrent = -360;     // the forking thread (fork)
    private const short SlotOldPid = -368;      // old_pid (exec)
    private const short SlotArgStart = -376;    // where the arguments begin in the record

    private const int EEXIST = 17;

    /// <summary>r0 = map[*(r10 + keySlot)] (clobbers r1–r5).</summary>
    private void Lookup(BpfMap map, short keySlot)
    {
        _a.LoadMap(R1, map);
        _a.Mov(R2, R10);
        _a.Add(R2, keySlot);
        _a.Call(BpfHelper.MapLookupElem);
    }

    /// <summary>r0 = map_update(map, r10 + keySlot, value, flags), the value at r10 + valueSlot (clobbers r1–r5).</summary>
    private void Update(BpfMap map, short keySlot, short valueSlot, ulong flags)
    {
        _a.LoadMap(R1, map);
        _a.Mov(R2, R10);
        _a.Add(R2, keySlot);
        _a.Mov(R3, R10);
        _a.Add(R3, valueSlot);
        _a.Mov(R4, (int)flags);
        _a.Call(BpfHelper.MapUpdateElem);
    }

    /// <summary>r9 = this CPU's scratch value; goes to <paramref name="out"/> if the lookup fails (never: an array).</summary>
    private void LoadScratch(BpfAssembler.Label @out)
    {
        _a.Store(S.Word, R10, SlotSmallKey, 0);
        Lookup(_maps.Scratch, SlotSmallKey);
        _a.JumpIf(C.Equal, R0, 0, @out);
        _a.Mov(R9, R0);
    }

    /// <summary>lock lost[slot] += 1 on this CPU (clobbers r0–r5).</summary>
    private void CountLost(int slot)
    {
        var done = _a.NewLabel();
        _a.Store(S.Word, R10, SlotSmallKey, slot);
        Lookup(_maps.Lost, SlotSmallKey);
        _a.JumpIf(C.Equal, R0, 0, done);
        _a.Mov(R1, 1);
        _a.AtomicAdd(R0, 0, R1);
        _a.Mark(done);
    }

    /// <summary>*(u64 *)(r10 + slot) |= bits (clobbers r1).</summary>
    private void SetFlags(short slot, int bits)
    {
        _a.Load(S.DoubleWord, R1, R10, slot);
        _a.Or(R1, bits);
        _a.Store(S.DoubleWord, R10, slot, R1);
    }

    /// <summary>r1 = bpf_probe_read_kernel(r10 + slot, size, r3) (the caller sets r3; clobbers r1–r5, r0 = result).</summary>
    private void ProbeReadToStack(short slot, int size)
    {
        _a.Mov(R1, R10);
        _a.Add(R1, slot);
        _a.Mov(R2, size);
        _a.Call(BpfHelper.ProbeReadKernel);
    }

    /// <summary>Copies 16 bytes (a comm) from <paramref name="source"/> + <paramref name="from"/> to
    /// <paramref name="target"/> + <paramref name="to"/> (clobbers r1).</summary>
    private void CopyComm(BpfRegister target, short to, BpfRegister source, short from)
    {
        _a.Load(S.DoubleWord, R1, source, from);
        _a.Store(S.DoubleWord, target, to, R1);
        _a.Load(S.DoubleWord, R1, source, (short)(from + 8));
        _a.Store(S.DoubleWord, target, (short)(to + 8), R1);
    }

    /// <summary>
    /// SlotExeKey = the executable of the task in <paramref name="task"/> (a BTF pointer: its mm->exe_file's inode and
    /// device), and SlotExeFile = that file; all zero (and SlotExeFile 0) when the task has no memory map or file.
    /// Clobbers r1–r3.
    /// </summary>
    private void TaskExecutable(BpfRegister task)
    {
        var none = _a.NewLabel();
        var done = _a.NewLabel();
        _a.Load(S.DoubleWord, R1, task, _offsets.TaskMm);
        _a.JumpIf(C.Equal, R1, 0, none);
        _a.Load(S.DoubleWord, R1, R1, _offsets.MmExeFile);
        FileExecutable(none);
        _a.Jump(done);
        _a.Mark(none);
        ClearExecutable();
        _a.Mark(done);
    }

    /// <summary>SlotExeKey and SlotExeFile from the struct file * in r1; goes to <paramref name="none"/> when it is
    /// null or has no inode. Clobbers r1–r3.</summary>
    private void FileExecutable(BpfAssembler.Label none)
    {
        _a.JumpIf(C.Equal, R1, 0, none);
        _a.Store(S.DoubleWord, R10, SlotExeFile, R1);
        _a.Load(S.DoubleWord, R2, R1, _offsets.FileFInode);
        _a.JumpIf(C.Equal, R2, 0, none);
        _a.Load(S.DoubleWord, R3, R2, _offsets.InodeIno);
        _a.Store(S.DoubleWord, R10, SlotExeKey + ExeKeyLayout.Inode, R3);
        _a.Load(S.DoubleWord, R3, R2, _offsets.InodeSb);
        _a.JumpIf(C.Equal, R3, 0, none);
        _a.Load(S.Word, R3, R3, _offsets.SuperBlockDev);
        _a.Store(S.Word, R10, SlotExeKey + ExeKeyLayout.Device, R3);
        _a.Store(S.Word, R10, SlotExeKey + ExeKeyLayout.Pad, 0);
    }

    /// <summary>SlotExeKey = 0, SlotExeFile = 0.</summary>
    private void ClearExecutable()
    {
        _a.Store(S.DoubleWord, R10, SlotExeKey, 0);
        _a.Store(S.DoubleWord, R10, SlotExeKey + 8, 0);
        _a.Store(S.DoubleWord, R10, SlotExeFile, 0);
    }

    /// <summary>
    /// Makes sure the executable map knows the path of the file in SlotExeFile (keyed by SlotExeKey): when it does
    /// not, walks the file's path into the scratch value (r9) and inserts it. Nothing when SlotExeFile is 0. The walk
    /// runs once per file for the whole watch; every later event of that program pays one lookup.
    /// </summary>
    private void EnsureExecutableKnown()
    {
        var known = _a.NewLabel();
        _a.Load(S.DoubleWord, R1, R10, SlotExeFile);
        _a.JumpIf(C.Equal, R1, 0, known);
        Lookup(_maps.Executables, SlotExeKey);
        _a.JumpIf(C.NotEqual, R0, 0, known);

        _a.Load(S.DoubleWord, R1, R10, SlotExeFile);
        _a.Add(R1, _offsets.FileFPath);
        _a.Store(S.DoubleWord, R10, SlotWalkPath, R1);
        const int value = ProcessRecordLayout.ExePathScratch;
        _a.Store(S.DoubleWord, R9, value, 0);               // length, flags, padding
        const int start = value + ExeKeyLayout.ValuePath;
        _a.Mov(R8, start);
        WalkPath(start + ProcessRecordLayout.PathCapacity, value + ExeKeyLayout.ValueLength, value + ExeKeyLayout.ValueFlags,
            S.HalfWord, ProcessRecordLayout.FlagPathCut, ProcessRecordLayout.FlagPathDeleted);

        _a.LoadMap(R1, _maps.Executables);
        _a.Mov(R2, R10);
        _a.Add(R2, SlotExeKey);
        _a.Mov(R3, R9);
        _a.Add(R3, ProcessRecordLayout.ExePathScratch);
        _a.Mov(R4, (int)Interop.Libc.BPF_NOEXIST);
        _a.Call(BpfHelper.MapUpdateElem);
        _a.JumpIf(C.Equal, R0, 0, known);
        _a.JumpIf(C.Equal, R0, -EEXIST, known);            // another CPU walked it first
        CountLost(LostSlots.ExecutablesFull);
        _a.Mark(known);
    }

    /// <summary>r0 = the current time; also in SlotTime.</summary>
    private void Now()
    {
        _a.Call(BpfHelper.KtimeGetNs);
        _a.Store(S.DoubleWord, R10, SlotTime, R0);
    }

    private void Epilogue(BpfAssembler.Label @out)
    {
        _a.Mark(@out);
        _a.Mov(R0, 0);
        _a.Exit();
    }
}
