using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;
using L = Diag.Linux.ProcessEvents.Kernel.ProcessRecordLayout;
using V = Diag.Linux.ProcessEvents.Kernel.SummaryValueLayout;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// The kernel programs of a process watch, written instruction by instruction, for BTF-typed tracepoints (tp_btf),
/// whose context is the tracepoint's arguments as u64s and whose task pointers are read with direct loads:
/// <list type="bullet">
/// <item>sched_process_fork (struct task_struct *parent, struct task_struct *child): a new process (not a thread).</item>
/// <item>sched_process_exec (struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm): after a successful
///   exec, in the new program: its file's path, the working directory, the file name the call was given, and the
///   arguments read from mm->arg_start..arg_end (the new program has not run yet, so they are what exec put there).</item>
/// <item>sched_process_exit (struct task_struct *p[, bool group_dead]): the last thread of a process exits.</item>
/// <item>raw_syscalls:sys_exit (struct pt_regs *regs, long ret): execve/execveat that returned an error.</item>
/// </list>
/// Registers: r9 the scratch value (or the reserved record), r8 a walk's write offset, r6/r7 task pointers between
/// calls; everything else lives in the stack slots named in the blocks.
/// </summary>
internal sealed partial class ProcessEventPrograms
{
    private readonly ProcessProgramSettings _settings;
    private readonly ProcessEventMaps _maps;
    private readonly KernelOffsets _offsets;
    private BpfAssembler _a = null!;

    public ProcessEventPrograms(ProcessProgramSettings settings, ProcessEventMaps maps, KernelOffsets offsets)
    {
        _settings = settings;
        _maps = maps;
        _offsets = offsets;
    }

    /// <summary>sched_process_fork: a new process (its child's pid is its tgid), not a kernel thread.</summary>
    public BpfInstruction[] Fork()
    {
        _a = new BpfAssembler();
        var @out = _a.NewLabel();
        _a.Mov(R6, R1);
        _a.Load(S.DoubleWord, R7, R6, 8);                   // child
        _a.Load(S.Word, R1, R7, _offsets.TaskPid);
        _a.Load(S.Word, R2, R7, _offsets.TaskTgid);
        _a.JumpIf(C.NotEqual, R1, R2, @out);                // a thread
        _a.Load(S.Word, R1, R7, _offsets.TaskFlags);
        _a.JumpIf(C.AnyBitSet, R1, KernelOffsets.KernelThreadFlag, @out);
        _a.Store(S.DoubleWord, R10, SlotTask, R7);
        _a.Load(S.DoubleWord, R1, R6, 0);                   // the forking thread
        _a.Store(S.DoubleWord, R10, SlotCurrent, R1);
        Now();
        _a.Store(S.DoubleWord, R10, SlotFlags, 0);
        TaskExecutable(R7);
        Filters(L.KindFork, @out, checkExecutable: true);
        LoadScratch(@out);
        if (_settings.Summary)
        {
            CountInSummary(V.Forks, @out);
            Epilogue(@out);
            return _a.Build();
        }
        EnsureExecutableKnown();
        HeaderOnlyRecord(L.KindFork, @out);
        Epilogue(@out);
        return _a.Build();
    }

    /// <summary>sched_process_exit: the process's last thread (group_dead), not a kernel thread.</summary>
    public BpfInstruction[] Exit()
    {
        _a = new BpfAssembler();
        var @out = _a.NewLabel();
        _a.Mov(R6, R1);
        _a.Load(S.DoubleWord, R7, R6, 0);                   // the exiting task (current)
        if (_settings.ExitHasGroupDead)
        {
            _a.Load(S.DoubleWord, R1, R6, 8);
            _a.And(R1, 0xff);
            _a.JumpIf(C.Equal, R1, 0, @out);                // other threads remain
        }
        else
        {
            _a.Load(S.DoubleWord, R1, R7, _offsets.TaskSignal);
            _a.Load(S.Word, R1, R1, _offsets.SignalLive);
            _a.JumpIf(C.NotEqual, R1, 0, @out);
        }
        _a.Load(S.Word, R1, R7, _offsets.TaskFlags);
        _a.JumpIf(C.AnyBitSet, R1, KernelOffsets.KernelThreadFlag, @out);
        _a.Store(S.DoubleWord, R10, SlotTask, R7);
        Now();
        _a.Store(S.DoubleWord, R10, SlotFlags, 0);
        TaskExecutable(R7);
        Filters(L.KindExit, @out, checkExecutable: true);
        LoadScratch(@out);
        if (_settings.Summary)
        {
            CountInSummary(V.Exits, @out);
            Epilogue(@out);
            return _a.Build();
        }
        EnsureExecutableKnown();
        HeaderOnlyRecord(L.KindExit, @out);
        Epilogue(@out);
        return _a.Build();
    }

    /// <summary>sched_process_exec: the new program, its path, working directory, file name and arguments.</summary>
    public BpfInstruction[] Exec()
    {
        _a = new BpfAssembler();
        var @out = _a.NewLabel();
        var notScript = _a.NewLabel();
        var noFile = _a.NewLabel();
        var haveFile = _a.NewLabel();
        _a.Mov(R6, R1);
        _a.Load(S.DoubleWord, R7, R6, 0);                   // p (current)
        _a.Store(S.DoubleWord, R10, SlotTask, R7);
        _a.Load(S.DoubleWord, R1, R6, 8);
        _a.Store(S.DoubleWord, R10, SlotOldPid, R1);
        _a.Load(S.DoubleWord, R1, R6, 16);                  // bprm
        _a.Store(S.DoubleWord, R10, SlotBprm, R1);
        Now();
        _a.Store(S.DoubleWord, R10, SlotFlags, 0);
        _a.Load(S.DoubleWord, R1, R10, SlotBprm);
        _a.Load(S.DoubleWord, R2, R1, _offsets.BprmFilename);
        _a.Load(S.DoubleWord, R3, R1, _offsets.BprmInterp);
        _a.JumpIf(C.Equal, R2, R3, notScript);
        SetFlags(SlotFlags, L.FlagScript);
        _a.Mark(notScript);
        _a.Load(S.DoubleWord, R1, R10, SlotBprm);
        _a.Load(S.DoubleWord, R1, R1, _offsets.BprmFile);   // the file that runs (a script's interpreter)
        FileExecutable(noFile);
        _a.Jump(haveFile);
        _a.Mark(noFile);
        ClearExecutable();
        _a.Mark(haveFile);
        Filters(L.KindExec, @out, checkExecutable: true);
        LoadScratch(@out);
        if (_settings.Summary)
        {
            CountInSummary(V.Execs, @out);
            Epilogue(@out);
            return _a.Build();
        }

        TaskHeader(L.KindExec);
        _a.Load(S.DoubleWord, R1, R10, SlotFlags);
        _a.Store(S.Word, R9, L.Flags, R1);                   // from here on, flags are set in the record
        _a.Load(S.DoubleWord, R1, R10, SlotOldPid);
        _a.Store(S.Word, R9, L.ThreadId, R1);                // the thread that called exec
        _a.Store(S.Word, R9, L.Code, 0);
        _a.Mov(R8, L.HeaderSize);
        WalkFile(L.PathLength);
        WalkWorkingDirectory(L.HeaderSize + L.PathCapacity + L.CwdCapacity);
        KernelFilename(L.HeaderSize + L.PathCapacity + L.CwdCapacity);
        ExecArguments(L.HeaderSize + L.PathCapacity + L.CwdCapacity + L.FilenameCapacity, @out);
        Epilogue(@out);
        return _a.Build();
    }

    /// <summary>raw_syscalls:sys_exit of execve/execveat with an error: the file name and arguments still in the
    /// caller's memory (a failed exec leaves it as it was), the working directory to resolve a relative name.</summary>
    public BpfInstruction[] ExecFailed()
    {
        _a = new BpfAssembler();
        var @out = _a.NewLabel();
        var isExec = _a.NewLabel();
        _a.Mov(R6, R1);
        _a.Load(S.DoubleWord, R1, R6, 8);                   // ret
        _a.JumpIf(C.SignedGreaterOrEqual, R1, 0, @out);     // most calls of the machine leave here
        _a.Load(S.DoubleWord, R2, R6, 0);                   // regs
        _a.Load(S.DoubleWord, R3, R2, _offsets.RegsOrigAx);
        _a.JumpIf(C.Equal, R3, Interop.SyscallNumbers.Execve, isExec);
        _a.JumpIf(C.NotEqual, R3, Interop.SyscallNumbers.Execveat, @out);
        _a.Mark(isExec);
        _a.Store(S.DoubleWord, R10, SlotBprm, R2);
        _a.Neg(R1);
        _a.Store(S.DoubleWord, R10, SlotCode, R1);
        _a.Call(BpfHelper.GetCurrentTaskBtf);
        _a.Store(S.DoubleWord, R10, SlotTask, R0);
        Now();
        _a.Store(S.DoubleWord, R10, SlotFlags, 0);
        _a.Load(S.DoubleWord, R7, R10, SlotTask);
        TaskExecutable(R7);
        Filters(L.KindExecFailed, @out, checkExecutable: false);
        LoadScratch(@out);
        if (_settings.Summary)
        {
            CountInSummary(V.FailedExecs, @out);
            Epilogue(@out);
            return _a.Build();
        }

        TaskHeader(L.KindExecFailed);
        _a.Store(S.Word, R9, L.Flags, 0);
        _a.Load(S.DoubleWord, R1, R10, SlotCode);
        _a.Store(S.Word, R9, L.Code, R1);
        _a.Store(S.HalfWord, R9, L.PathLength, 0);
        _a.Mov(R8, L.HeaderSize);
        WalkWorkingDirectory(L.HeaderSize + L.CwdCapacity);
        UserFilenameAndArguments(L.HeaderSize + L.CwdCapacity, @out);
        Epilogue(@out);
        return _a.Build();
    }

    /// <summary>A fork or exit record: the header alone, reserved in the ring buffer and submitted.</summary>
    private void HeaderOnlyRecord(int kind, BpfAssembler.Label @out)
    {
        _maps.Events!.EmitReserve(_a, L.HeaderSize, SlotSmallKey, @out);
        _a.Mov(R9, R0);
        TaskHeader(kind);
        _a.Store(S.DoubleWord, R9, L.Code, 0);              // Code and ArgumentBytes
        _a.Store(S.Word, R9, L.PathLength, 0);              // the four lengths and the padding
        _a.Store(S.Word, R9, L.FilenameLength, 0);
        _a.Store(S.Word, R9, L.FilenameLength + 4, 0);
        if (kind == L.KindExit)
        {
            _a.Load(S.DoubleWord, R1, R10, SlotTask);
            _a.Load(S.Word, R1, R1, _offsets.TaskExitCode);
            _a.Store(S.Word, R9, L.Code, R1);
        }
        var haveMemory = _a.NewLabel();
        _a.Load(S.DoubleWord, R1, R10, SlotExeFile);
        _a.JumpIf(C.NotEqual, R1, 0, haveMemory);
        SetFlags(SlotFlags, L.FlagNoMemory);
        _a.Mark(haveMemory);
        _a.Load(S.DoubleWord, R1, R10, SlotFlags);
        _a.Store(S.Word, R9, L.Flags, R1);
        BpfRingBuffer.EmitSubmit(_a, R9);
    }

    /// <summary>The path of the executed file (SlotExeFile) at r8, its length at <paramref name="lengthField"/>.</summary>
    private void WalkFile(short lengthField)
    {
        var none = _a.NewLabel();
        var done = _a.NewLabel();
        _a.Load(S.DoubleWord, R1, R10, SlotExeFile);
        _a.JumpIf(C.Equal, R1, 0, none);
        _a.Add(R1, _offsets.FileFPath);
        _a.Store(S.DoubleWord, R10, SlotWalkPath, R1);
        WalkPath(L.HeaderSize + L.PathCapacity, lengthField, L.Flags, S.Word, L.FlagPathCut, L.FlagPathDeleted);
        _a.Jump(done);
        _a.Mark(none);
        _a.Store(S.HalfWord, R9, lengthField, 0);
        _a.Mark(done);
    }

    /// <summary>The task's working directory (fs->pwd) at r8, not beyond <paramref name="bound"/>.</summary>
    private void WalkWorkingDirectory(int bound)
    {
        var none = _a.NewLabel();
        var done = _a.NewLabel();
        _a.Load(S.DoubleWord, R1, R10, SlotTask);
        _a.Load(S.DoubleWord, R1, R1, _offsets.TaskFs);
        _a.JumpIf(C.Equal, R1, 0, none);
        _a.Add(R1, _offsets.FsPwd);
        _a.Store(S.DoubleWord, R10, SlotWalkPath, R1);
        WalkPath(bound, L.CwdLength, L.Flags, S.Word, L.FlagCwdCut, 0);
        _a.Jump(done);
        _a.Mark(none);
        _a.Store(S.HalfWord, R9, L.CwdLength, 0);
        _a.Mark(done);
    }

    /// <summary>bprm->filename (kernel memory) at r8, which must not be beyond <paramref name="from"/>.</summary>
    private void KernelFilename(int from)
    {
        var none = _a.NewLabel();
        var done = _a.NewLabel();
        _a.Store(S.HalfWord, R9, L.FilenameLength, 0);
        _a.JumpIf(C.Greater, R8, from, none);
        _a.Mov(R1, R9);
        _a.Add(R1, R8);
        _a.Mov(R2, L.FilenameCapacity);
        _a.Load(S.DoubleWord, R3, R10, SlotBprm);
        _a.Load(S.DoubleWord, R3, R3, _offsets.BprmFilename);
        _a.Call(BpfHelper.ProbeReadKernelStr);
        StringRead(L.FilenameLength, L.FilenameCapacity, none);
        _a.Mark(none);
        _a.Mark(done);
    }

    /// <summary>After a string read at r8 (r0 = bytes with the NUL): its length into <paramref name="lengthField"/>,
    /// r8 moved past it, the cut flag when it filled <paramref name="capacity"/>; nothing on an error.</summary>
    private void StringRead(short lengthField, int capacity, BpfAssembler.Label failed)
    {
        var whole = _a.NewLabel();
        _a.JumpIf(C.SignedLessOrEqual, R0, 0, failed);
        _a.Store(S.HalfWord, R9, lengthField, R0);
        _a.Add(R8, R0);
        _a.JumpIf(C.Less, R0, capacity, whole);
        SetMemoryFlags(L.Flags, S.Word, L.FlagFilenameCut);
        _a.Mark(whole);
    }

    /// <summary>The arguments from mm->arg_start..arg_end at r8 (at most <see cref="L.ArgumentCapacity"/>, said when
    /// cut), then the record is sent with its real length.</summary>
    private void ExecArguments(int from, BpfAssembler.Label @out)
    {
        var send = _a.NewLabel();
        var noMemory = _a.NewLabel();
        var fits = _a.NewLabel();
        _a.Store(S.HalfWord, R9, L.ArgumentLength, 0);
        _a.Store(S.Word, R9, L.ArgumentBytes, 0);
        _a.JumpIf(C.Greater, R8, from, send);
        _a.Load(S.DoubleWord, R1, R10, SlotTask);
        _a.Load(S.DoubleWord, R1, R1, _offsets.TaskMm);
        _a.JumpIf(C.Equal, R1, 0, noMemory);
        _a.Load(S.DoubleWord, R3, R1, _offsets.MmArgStart);
        _a.Load(S.DoubleWord, R2, R1, _offsets.MmArgEnd);
        _a.Sub(R2, R3);
        _a.Store(S.Word, R9, L.ArgumentBytes, R2);
        _a.JumpIf(C.LessOrEqual, R2, L.ArgumentCapacity, fits);
        _a.Mov(R2, L.ArgumentCapacity);
        SetFlagsKeeping(L.FlagArgumentsCut);
        _a.Mark(fits);
        _a.Store(S.DoubleWord, R10, SlotRead, R2);
        _a.Mov(R1, R9);
        _a.Add(R1, R8);
        _a.Call(BpfHelper.ProbeReadUser);
        _a.JumpIf(C.NotEqual, R0, 0, send);
        _a.Load(S.DoubleWord, R2, R10, SlotRead);
        _a.Store(S.HalfWord, R9, L.ArgumentLength, R2);
        _a.Add(R8, R2);
        _a.Jump(send);
        _a.Mark(noMemory);
        SetMemoryFlags(L.Flags, S.Word, L.FlagNoMemory);
        _a.Mark(send);
        Send(@out);
    }

    /// <summary>Sets a flag in the record without touching r2 and r3 (the argument read's size and source): through r4.</summary>
    private void SetFlagsKeeping(int bits)
    {
        _a.Load(S.Word, R4, R9, L.Flags);
        _a.Or(R4, bits);
        _a.Store(S.Word, R9, L.Flags, R4);
    }

    /// <summary>A failed exec's file name and arguments, from the caller's memory through the saved registers
    /// (execve: di, si; execveat: si, dx), then the record is sent.</summary>
    private void UserFilenameAndArguments(int from, BpfAssembler.Label @out)
    {
        var execveat = _a.NewLabel();
        var pointers = _a.NewLabel();
        var noName = _a.NewLabel();
        var loop = _a.NewLabel();
        var cut = _a.NewLabel();
        var send = _a.NewLabel();
        const int maxArguments = 64;
        var end = from + L.FilenameCapacity + L.ArgumentCapacity;

        _a.Load(S.DoubleWord, R1, R10, SlotBprm);           // regs
        _a.Load(S.DoubleWord, R2, R1, _offsets.RegsOrigAx);
        _a.JumpIf(C.Equal, R2, Interop.SyscallNumbers.Execveat, execveat);
        _a.Load(S.DoubleWord, R3, R1, _offsets.RegsDi);
        _a.Load(S.DoubleWord, R2, R1, _offsets.RegsSi);
        _a.Jump(pointers);
        _a.Mark(execveat);
        _a.Load(S.DoubleWord, R3, R1, _offsets.RegsSi);
        _a.Load(S.DoubleWord, R2, R1, _offsets.RegsDx);
        _a.Mark(pointers);
        _a.Store(S.DoubleWord, R10, SlotArgv, R2);

        _a.Store(S.HalfWord, R9, L.FilenameLength, 0);
        _a.JumpIf(C.Greater, R8, from, noName);
        _a.Mov(R1, R9);
        _a.Add(R1, R8);
        _a.Mov(R2, L.FilenameCapacity);
        _a.Call(BpfHelper.ProbeReadUserStr);
        StringRead(L.FilenameLength, L.FilenameCapacity, noName);
        _a.Mark(noName);

        // The arguments, each NUL-terminated as in /proc/PID/cmdline, until the NULL pointer.
        _a.Store(S.DoubleWord, R10, SlotArgStart, R8);
        _a.Store(S.DoubleWord, R10, SlotCounter, 0);
        _a.Mark(loop);
        _a.Load(S.DoubleWord, R1, R10, SlotCounter);
        _a.JumpIf(C.GreaterOrEqual, R1, maxArguments, cut);
        _a.Mov(R3, R1);
        _a.Lsh(R3, 3);
        _a.Add(R1, 1);
        _a.Store(S.DoubleWord, R10, SlotCounter, R1);
        _a.Load(S.DoubleWord, R1, R10, SlotArgv);
        _a.JumpIf(C.Equal, R1, 0, send);
        _a.Add(R3, R1);
        _a.Mov(R1, R10);
        _a.Add(R1, SlotRead);
        _a.Mov(R2, 8);
        _a.Call(BpfHelper.ProbeReadUser);                   // argv[i]
        _a.JumpIf(C.NotEqual, R0, 0, send);
        _a.Load(S.DoubleWord, R3, R10, SlotRead);
        _a.JumpIf(C.Equal, R3, 0, send);
        _a.JumpIf(C.Greater, R8, end - 2, cut);
        _a.Mov(R2, end);
        _a.Sub(R2, R8);
        _a.Mov(R1, R9);
        _a.Add(R1, R8);
        _a.Call(BpfHelper.ProbeReadUserStr);
        _a.JumpIf(C.SignedLessOrEqual, R0, 0, send);
        _a.Add(R8, R0);
        _a.Jump(loop);
        _a.Mark(cut);
        SetMemoryFlags(L.Flags, S.Word, L.FlagArgumentsCut);
        _a.Mark(send);
        _a.Mov(R1, R8);
        _a.Load(S.DoubleWord, R2, R10, SlotArgStart);
        _a.Sub(R1, R2);
        _a.Store(S.HalfWord, R9, L.ArgumentLength, R1);
        _a.Store(S.Word, R9, L.ArgumentBytes, R1);
        Send(@out);
    }

    /// <summary>Sends the record built in the scratch value (r9, r8 bytes) to the ring buffer.</summary>
    private void Send(BpfAssembler.Label @out)
    {
        var bounded = _a.NewLabel();
        _a.JumpIf(C.LessOrEqual, R8, L.MaxRecordSize, bounded);
        _a.Mov(R8, L.MaxRecordSize);
        _a.Mark(bounded);
        _maps.Events!.EmitOutput(_a, R9, R8, SlotSmallKey);
    }
}
