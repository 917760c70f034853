using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.Tracing.Kernel.SyscallStatsLayout;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// The kernel programs of a syscall trace, written instruction by instruction. They run on raw tracepoints,
/// whose context is the tracepoint's arguments as u64s:
/// <list type="bullet">
/// <item>raw_syscalls:sys_enter (struct pt_regs *regs, long id): latency only; stores the entry time and
///   syscall number of a traced thread.</item>
/// <item>raw_syscalls:sys_exit (struct pt_regs *regs, long ret): counts the call, its errno, and (latency)
///   its duration into the statistics.</item>
/// <item>sched:sched_process_fork (struct task_struct *parent, struct task_struct *child): FollowForks only;
///   adds a traced task's new process to the traced set before the child first runs.</item>
/// </list>
/// Every program starts with the same filter: bpf_get_current_pid_tgid() against the target, an immediate.
/// That filter is all an untraced process pays for, on every syscall of the machine.
/// </summary>
/// <remarks>
/// Registers kept across helper calls: r6 the context (then the statistics value), r7 pid_tgid
/// (tgid &lt;&lt; 32 | tid), r8 the syscall id (enter) or return value (exit), r9 the syscall number (exit) or
/// the entry slot (enter). Stack slots (r10 - n) are named below.
/// </remarks>
internal sealed class SyscallPrograms
{
    // Stack slots, as offsets from r10.
    private const short SlotFilterKey = -4;   // u32 tgid looked up in the traced set
    private const short SlotThreadKey = -8;   // u32 tid: the entries key; u32 child tgid (fork)
    private const short SlotTime = -16;       // u64 exit time, then the call's duration
    private const short SlotEntry = -32;      // {u64 time, u64 nr}: a new entry (enter), 16 bytes
    private const short SlotNumberKey = -36;  // u32 syscall number: array key
    private const short SlotErrorKey = -56;   // ErrorKey, 16 bytes
    private const short SlotOne = -64;        // u64 1: a new error count; u32 1: a traced-set value
    private const short SlotStatsKey = -80;   // StatsKey, 16 bytes
    private const short SlotLostKey = -84;    // u32 lost-counter index
    private const short SlotZeroKey = -88;    // u32 0: key of the zero value
    private const short SlotRead = -96;       // u64 probe_read destination

    private readonly KernelTraceSettings _settings;
    private readonly KernelTraceMaps _maps;

    public SyscallPrograms(KernelTraceSettings settings, KernelTraceMaps maps)
    {
        _settings = settings;
        _maps = maps;
    }

    /// <summary>raw_syscalls:sys_enter (latency only): entries[tid] = { now, id } for a selected call that returns.</summary>
    public BpfInstruction[] SysEnter()
    {
        if (!_settings.MeasureLatency)
            throw new InvalidOperationException("counting alone needs no sys_enter program");
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        Prologue(a, @out);

        a.Load(S.DoubleWord, R8, R6, 8);                    // r8 = id
        a.JumpIf(C.Greater, R8, MaxSyscalls - 1, @out);     // unsigned: also drops -1 (no syscall)
        a.JumpIf(C.Equal, R8, SyscallStatsLayout.SysExit, @out);              // exit and exit_group never return:
        a.JumpIf(C.Equal, R8, SysExitGroup, @out);          // no entry to keep for them
        Selection(a, R8, @out);

        a.Mov32(R1, R7);                                    // key: tid
        a.Store(S.Word, R10, SlotThreadKey, R1);
        a.LookupStackKey(_maps.Entries!, SlotThreadKey);
        a.Mov(R9, R0);                                      // r9 = existing entry or null
        a.Call(BpfHelper.KtimeGetNs);                       // the time last: closest to the call itself
        a.Store(S.DoubleWord, R10, SlotEntry, R0);          // the entry on the stack too (insert, exec)
        a.Store(S.DoubleWord, R10, SlotEntry + 8, R8);
        var insert = a.NewLabel();
        var exec = a.NewLabel();
        a.JumpIf(C.Equal, R9, 0, insert);
        a.Store(S.DoubleWord, R9, 0, R0);                   // written in place: no update, no allocation
        a.Store(S.DoubleWord, R9, 8, R8);
        a.Jump(exec);
        a.Mark(insert);
        a.UpdateFromStack(_maps.Entries!, SlotThreadKey, SlotEntry, Interop.Libc.BPF_ANY);
        a.JumpIf(C.Equal, R0, 0, exec);
        CountLost(a, LostEntries);

        // execve/execveat: also by thread group, for a non-leader thread whose exec returns as the leader.
        a.Mark(exec);
        var isExec = a.NewLabel();
        a.JumpIf(C.Equal, R8, SysExecve, isExec);
        a.JumpIf(C.NotEqual, R8, SysExecveat, @out);
        a.Mark(isExec);
        a.Mov(R1, R7);
        a.Rsh(R1, 32);
        a.Store(S.Word, R10, SlotFilterKey, R1);
        a.UpdateFromStack(_maps.ExecEntries!, SlotFilterKey, SlotEntry, Interop.Libc.BPF_ANY);

        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>raw_syscalls:sys_exit: counts the call that returns (and with latency, its duration).</summary>
    public BpfInstruction[] SysExit() => _settings.MeasureLatency ? SysExitTimed() : SysExitCounting();

    /// <summary>sched:sched_process_fork (FollowForks): a traced task's child that is a new process joins the traced set.</summary>
    public BpfInstruction[] SchedProcessFork()
    {
        if (!_settings.FollowForks)
            throw new InvalidOperationException("only a FollowForks trace watches forks");
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        Prologue(a, @out);                                  // the parent (current) is traced

        a.Load(S.DoubleWord, R3, R6, 8);                    // r3 = child task_struct
        a.Add(R3, _settings.TaskTgidOffset);                //      + offsetof(tgid)
        a.Mov(R1, R10);
        a.Add(R1, SlotThreadKey);
        a.Mov(R2, 4);
        a.Call(_settings.ProbeRead);                        // child tgid → SlotThreadKey
        a.JumpIf(C.NotEqual, R0, 0, @out);
        a.Load(S.Word, R1, R10, SlotThreadKey);
        a.Mov(R2, R7);
        a.Rsh(R2, 32);
        a.JumpIf(C.Equal, R1, R2, @out);                    // a new thread: its process is already traced
        a.Store(S.Word, R10, SlotOne, 1);
        a.UpdateFromStack(_maps.Traced!, SlotThreadKey, SlotOne, Interop.Libc.BPF_ANY);
        a.JumpIf(C.Equal, R0, 0, @out);
        CountLost(a, LostFollow);

        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>sched:sched_process_exit (struct task_struct *p, the exiting task; WatchExit): each exiting
    /// thread of the target process writes its exit_code, the wait status of a group exit (exit_group's
    /// code &lt;&lt; 8, or the killing signal), so the last thread leaves the process's status.</summary>
    public BpfInstruction[] SchedProcessExit()
    {
        if (!_settings.WatchExit || _settings.ThreadTarget)
            throw new InvalidOperationException("only a process trace watches its target's exit");
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Rsh(R0, 32);
        a.JumpIf(C.NotEqual, R0, _settings.TargetId, @out); // only the target, not the children it may follow
        a.Load(S.DoubleWord, R3, R6, 0);                    // r3 = task
        a.Add(R3, _settings.TaskExitCodeOffset);            //      + offsetof(exit_code)
        a.Mov(R1, R10);
        a.Add(R1, SlotRead);
        a.Mov(R2, 4);
        a.Call(_settings.ProbeRead);                        // exit_code → SlotRead
        a.JumpIf(C.NotEqual, R0, 0, @out);
        a.Store(S.Word, R10, SlotZeroKey, 0);
        a.LookupStackKey(_maps.Exit!, SlotZeroKey);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Load(S.Word, R1, R10, SlotRead);
        a.Store(S.Word, R0, 0, R1);                         // { status, 1 }
        a.Store(S.Word, R0, 4, 1);
        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>Count only: the syscall number comes from regs->orig_ax, as sys_exit does not pass it.</summary>
    private BpfInstruction[] SysExitCounting()
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        Prologue(a, @out);

        a.Load(S.DoubleWord, R8, R6, 8);                    // r8 = ret
        a.Load(S.DoubleWord, R3, R6, 0);                    // r3 = regs
        if (_settings.SysExitBtfId != 0)
        {
            a.Load(S.DoubleWord, R9, R3, PtRegsOrigAx);     // r9 = regs->orig_ax: a typed pointer, read directly
        }
        else
        {
            a.Add(R3, PtRegsOrigAx);                        //      + orig_ax
            a.Mov(R1, R10);
            a.Add(R1, SlotRead);
            a.Mov(R2, 8);
            a.Call(_settings.ProbeRead);                    // nr → SlotRead
            a.JumpIf(C.NotEqual, R0, 0, @out);
            a.Load(S.DoubleWord, R9, R10, SlotRead);        // r9 = nr
        }
        a.JumpIf(C.Greater, R9, MaxSyscalls - 1, @out);

        // A new task's first return is from the fork or clone that created it (ret 0): its parent's
        // call, already counted there, not one of its own (ptrace and strace do not see it either).
        var counted = a.NewLabel();
        a.JumpIf(C.NotEqual, R8, 0, counted);
        a.JumpIf(C.Equal, R9, SysClone, @out);
        a.JumpIf(C.Equal, R9, SysFork, @out);
        a.JumpIf(C.Equal, R9, SysVfork, @out);
        a.JumpIf(C.Equal, R9, SysClone3, @out);
        a.Mark(counted);
        Selection(a, R9, @out);

        StatsSlot(a, @out);
        CountCallAndError(a);

        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>With latency: the call's entry (kept by sys_enter) gives its number and start time. A call
    /// without an entry began before the trace (or is a new task's return from fork) and is not counted.</summary>
    private BpfInstruction[] SysExitTimed()
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var noEntry = a.NewLabel();
        var count = a.NewLabel();
        Prologue(a, @out);

        a.Call(BpfHelper.KtimeGetNs);                       // the time first: closest to the call itself
        a.Store(S.DoubleWord, R10, SlotTime, R0);
        a.Load(S.DoubleWord, R8, R6, 8);                    // r8 = ret
        a.Mov32(R1, R7);                                    // key: tid
        a.Store(S.Word, R10, SlotThreadKey, R1);
        a.LookupStackKey(_maps.Entries!, SlotThreadKey);
        a.JumpIf(C.Equal, R0, 0, noEntry);
        a.Load(S.DoubleWord, R1, R0, 0);                    // r1 = entry time
        a.JumpIf(C.Equal, R1, 0, noEntry);                  // 0: already taken by an earlier exit
        a.Load(S.DoubleWord, R9, R0, 8);                    // r9 = nr
        a.Store(S.DoubleWord, R0, 0, 0);                    // taken
        ElapsedSince(a, R1);
        var clearExec = a.NewLabel();
        a.JumpIf(C.Equal, R9, SysExecve, clearExec);
        a.JumpIf(C.NotEqual, R9, SysExecveat, count);
        a.Mark(clearExec);                                  // this thread's exec returned: drop its group entry
        ExecEntry(a, @out: count);
        a.Store(S.DoubleWord, R0, 0, 0);
        a.Jump(count);

        // No entry under this tid: a successful execve from a non-leader thread returns here under the
        // leader's tid (the leader's own call ended when exec killed it). Its entry is kept by thread group.
        a.Mark(noEntry);
        a.JumpIf(C.NotEqual, R8, 0, @out);
        ExecEntry(a, @out);
        a.Load(S.DoubleWord, R1, R0, 0);
        a.JumpIf(C.Equal, R1, 0, @out);
        a.Load(S.DoubleWord, R9, R0, 8);
        a.Store(S.DoubleWord, R0, 0, 0);
        ElapsedSince(a, R1);

        a.Mark(count);                                      // r9 = nr (< 512, selected: sys_enter checked)
        StatsSlot(a, @out);
        CountCallAndError(a);
        CountTime(a);

        Epilogue(a, @out);
        return a.Build();
    }

    /// <summary>r6 = ctx, r7 = pid_tgid; falls through when the current task is traced, else goes to <paramref name="out"/>.</summary>
    private void Prologue(BpfAssembler a, BpfAssembler.Label @out)
    {
        var traced = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.Mov(R7, R0);
        if (_settings.ThreadTarget)
        {
            a.Mov32(R1, R7);                                // tid
            a.JumpIf(C.Equal, R1, _settings.TargetId, traced);
            if (_settings.FollowForks)
            {
                a.Mov(R1, R7);
                a.Rsh(R1, 32);
            }
        }
        else
        {
            a.Mov(R1, R7);
            a.Rsh(R1, 32);                                  // tgid
            a.JumpIf(C.Equal, R1, _settings.TargetId, traced);
        }
        if (_settings.FollowForks)
        {
            a.Store(S.Word, R10, SlotFilterKey, R1);        // a followed process?
            a.LookupStackKey(_maps.Traced!, SlotFilterKey);
            a.JumpIf(C.NotEqual, R0, 0, traced);
        }
        a.Jump(@out);
        a.Mark(traced);
    }

    private static void Epilogue(BpfAssembler a, BpfAssembler.Label @out)
    {
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
    }

    /// <summary>Goes to <paramref name="out"/> unless selected[nr] (only when the trace counts some syscalls).</summary>
    private void Selection(BpfAssembler a, BpfRegister number, BpfAssembler.Label @out)
    {
        if (!_settings.Selective)
            return;
        a.Store(S.Word, R10, SlotNumberKey, number);
        a.LookupStackKey(_maps.Selected!, SlotNumberKey);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Load(S.Word, R1, R0, 0);
        a.JumpIf(C.Equal, R1, 0, @out);
    }

    /// <summary>r0 = execEntries[tgid], or goes to <paramref name="out"/> when there is none.</summary>
    private void ExecEntry(BpfAssembler a, BpfAssembler.Label @out)
    {
        a.Mov(R1, R7);
        a.Rsh(R1, 32);
        a.Store(S.Word, R10, SlotFilterKey, R1);
        a.LookupStackKey(_maps.ExecEntries!, SlotFilterKey);
        a.JumpIf(C.Equal, R0, 0, @out);
    }

    /// <summary>SlotTime = SlotTime (the exit time) - <paramref name="start"/>.</summary>
    private static void ElapsedSince(BpfAssembler a, BpfRegister start)
    {
        a.Load(S.DoubleWord, R2, R10, SlotTime);
        a.Sub(R2, start);
        a.Store(S.DoubleWord, R10, SlotTime, R2);
    }

    /// <summary>r6 = the statistics of syscall r9 (for this process or thread when keyed), created when
    /// missing; goes to <paramref name="out"/> when there is no room.</summary>
    private void StatsSlot(BpfAssembler a, BpfAssembler.Label @out)
    {
        var have = a.NewLabel();
        if (!_settings.Keyed)
        {
            a.Store(S.Word, R10, SlotNumberKey, R9);
            a.LookupStackKey(_maps.Stats, SlotNumberKey);
            a.JumpIf(C.Equal, R0, 0, @out);                 // (never: the index is below 512)
            a.Mov(R6, R0);
            return;
        }

        StoreTaskIds(a, SlotStatsKey + StatsKey.ProcessId);
        a.Store(S.Word, R10, SlotStatsKey + StatsKey.Number, R9);
        a.Store(S.Word, R10, SlotStatsKey + StatsKey.Pad, 0);
        a.LookupStackKey(_maps.Stats, SlotStatsKey);
        a.JumpIf(C.NotEqual, R0, 0, have);

        // First call of this syscall here: insert a zero value (BPF_NOEXIST: another CPU may be quicker).
        a.Store(S.Word, R10, SlotZeroKey, 0);
        a.LookupStackKey(_maps.Zero!, SlotZeroKey);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Mov(R3, R0);
        a.LoadMap(R1, _maps.Stats);
        a.Mov(R2, R10);
        a.Add(R2, SlotStatsKey);
        a.Mov(R4, (int)Interop.Libc.BPF_NOEXIST);
        a.Call(BpfHelper.MapUpdateElem);
        a.LookupStackKey(_maps.Stats, SlotStatsKey);
        a.JumpIf(C.NotEqual, R0, 0, have);
        CountLost(a, LostStats);
        a.Jump(@out);
        a.Mark(have);
        a.Mov(R6, R0);
    }

    /// <summary>calls++; for a return value in -4095..-1, errors++ and errors[(process, thread,) nr, errno]++.</summary>
    private void CountCallAndError(BpfAssembler a)
    {
        var noError = a.NewLabel();
        Increment(a, R6, SyscallStatsLayout.Calls);
        a.Mov(R1, R8);
        a.Add(R1, 4095);                                    // -4095..-1 → 0..4094
        a.JumpIf(C.Greater, R1, 4094, noError);
        Increment(a, R6, SyscallStatsLayout.Errors);

        StoreTaskIds(a, SlotErrorKey + ErrorKey.ProcessId);
        a.Store(S.Word, R10, SlotErrorKey + ErrorKey.Number, R9);
        a.Mov(R1, 0);
        a.Sub(R1, R8);                                      // errno = -ret
        a.Store(S.Word, R10, SlotErrorKey + ErrorKey.Errno, R1);

        var insert = a.NewLabel();
        var add = a.NewLabel();
        a.LookupStackKey(_maps.Errors, SlotErrorKey);
        a.JumpIf(C.Equal, R0, 0, insert);
        a.Mark(add);
        a.Mov(R1, 1);
        a.AtomicAdd(R0, 0, R1);
        a.Jump(noError);
        a.Mark(insert);
        a.Store(S.DoubleWord, R10, SlotOne, 1);
        a.UpdateFromStack(_maps.Errors, SlotErrorKey, SlotOne, Interop.Libc.BPF_NOEXIST);
        a.JumpIf(C.Equal, R0, 0, noError);
        a.LookupStackKey(_maps.Errors, SlotErrorKey);                                     // another CPU inserted it first
        a.JumpIf(C.NotEqual, R0, 0, add);
        CountLost(a, LostErrors);
        a.Mark(noError);
    }

    /// <summary>total += SlotTime; max = max(max, SlotTime); histogram[log2(SlotTime)]++.</summary>
    private void CountTime(BpfAssembler a)
    {
        a.Load(S.DoubleWord, R1, R10, SlotTime);            // r1 = duration, ns
        Add(a, R6, TotalNanoseconds, R1, scratch: R2);
        var notLonger = a.NewLabel();
        a.Load(S.DoubleWord, R2, R6, MaxNanoseconds);
        a.JumpIf(C.GreaterOrEqual, R2, R1, notLonger);
        a.Store(S.DoubleWord, R6, MaxNanoseconds, R1);      // (keyed: racy between CPUs, like any max)
        a.Mark(notLonger);

        // r2 = floor(log2(r1)) by halving steps (0 for 0 and 1), then clamped to the last bucket.
        a.Mov(R2, 0);
        foreach (var shift in new[] { 32, 16, 8, 4, 2, 1 })
        {
            var smaller = a.NewLabel();
            a.Mov(R3, R1);
            a.Rsh(R3, shift);
            a.JumpIf(C.Equal, R3, 0, smaller);
            a.Add(R2, shift);
            a.Mov(R1, R3);
            a.Mark(smaller);
        }
        var inRange = a.NewLabel();
        a.JumpIf(C.LessOrEqual, R2, Buckets - 1, inRange);
        a.Mov(R2, Buckets - 1);
        a.Mark(inRange);
        a.Lsh(R2, 3);
        a.Mov(R3, R6);
        a.Add(R3, R2);                                      // the verifier knows r2 ≤ 8 * 39
        Increment(a, R3, Histogram);
    }

    /// <summary>*(u64 *)(value + offset) += 1 (clobbers r1 or r2).</summary>
    private void Increment(BpfAssembler a, BpfRegister value, short offset)
    {
        if (_settings.Keyed)
        {
            a.Mov(R1, 1);
            a.AtomicAdd(value, offset, R1);
            return;
        }
        a.Load(S.DoubleWord, R2, value, offset);
        a.Add(R2, 1);
        a.Store(S.DoubleWord, value, offset, R2);
    }

    /// <summary>*(u64 *)(value + offset) += amount: a plain add in a per-CPU value (one writer per CPU,
    /// tracepoints run with preemption off), an atomic one in a shared hash value.</summary>
    private void Add(BpfAssembler a, BpfRegister value, short offset, BpfRegister amount, BpfRegister scratch)
    {
        if (_settings.Keyed)
        {
            a.AtomicAdd(value, offset, amount);
            return;
        }
        a.Load(S.DoubleWord, scratch, value, offset);
        a.Add(scratch, amount);
        a.Store(S.DoubleWord, value, offset, scratch);
    }

    /// <summary>The first two u32 of a key at <paramref name="slot"/>: thread group id and thread id, each 0
    /// unless the statistics are kept by process (keyed) and by thread.</summary>
    private void StoreTaskIds(BpfAssembler a, int slot)
    {
        if (_settings.Keyed)
        {
            a.Mov(R1, R7);
            a.Rsh(R1, 32);
            a.Store(S.Word, R10, (short)slot, R1);
        }
        else
        {
            a.Store(S.Word, R10, (short)slot, 0);
        }
        if (_settings.ByThread)
        {
            a.Mov32(R1, R7);
            a.Store(S.Word, R10, (short)(slot + 4), R1);
        }
        else
        {
            a.Store(S.Word, R10, (short)(slot + 4), 0);
        }
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
