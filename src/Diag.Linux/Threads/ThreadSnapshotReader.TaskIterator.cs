using System.Diagnostics;
using Diag.Linux.ProcFs;
using Diag.Linux.Threads.Kernel;

namespace Diag.Linux.Threads;

/// <summary>
/// The task iterator's pass: one read of every selected thread's <see cref="TaskRecord"/>, turned into the same
/// <see cref="ThreadReading"/> the /proc path builds from five files. /proc is read only where the kernel's
/// text differs from task_struct: the name of a workqueue worker or a kernel thread whose name was cut (stat
/// shows "kworker/0:1-events" and the full name), the untruncated name of a process whose comm is cut at 15
/// characters, a wait channel longer than the record's room, and a requested ID that is a thread, not a process.
/// </summary>
internal sealed partial class ThreadSnapshotReader
{
    private const uint WorkqueueWorkerFlag = 0x20; // PF_WQ_WORKER
    private const int CommMaxLength = 15;

    private readonly Dictionary<int, (string Comm, string? Untruncated)> _leaders = new();
    private readonly HashSet<int> _seenProcesses = new();
    private readonly Dictionary<int, bool> _nameMatches = new();
    private readonly HashSet<int> _filtered = new();

    private void ReadWithIterator(ThreadSelection selection, bool full, ThreadSnapshot into, List<int>? missing, bool[]? patternMatched)
    {
        var requested = selection.Processes.ProcessIds;
        if (requested is not null && _iterator!.Filters)
        {
            foreach (int pid in requested)
                if (pid > 0 && _filtered.Add(pid)) _iterator.AddProcess(pid);
        }
        Pass(selection, full, into, patternMatched);
        if (requested is null || missing is null) return;

        // A requested ID with no thread group of its own: gone, or a thread's ID (/proc/TID/task lists its
        // whole process, so the /proc path reports that process: so does this one).
        bool again = false;
        foreach (int pid in requested)
        {
            if (_seenProcesses.Contains(pid)) continue;
            if (pid <= 0 || _reader.Read(_procFd, pid, "status"u8, out var content) != 0) { missing.Add(pid); continue; }
            int tgid = TaskStatusFields.Parse(content).ThreadGroupId;
            if (tgid <= 0 || tgid == pid || _seenProcesses.Contains(tgid)) { if (tgid <= 0) missing.Add(pid); continue; }
            if (_filtered.Add(tgid) && _iterator!.AddProcess(tgid)) again = true;
        }
        if (again)
        {
            into.Clear();
            Pass(selection, full, into, patternMatched);
        }
    }

    private void Pass(ThreadSelection selection, bool full, ThreadSnapshot into, bool[]? patternMatched)
    {
        _seenProcesses.Clear();
        _nameMatches.Clear();
        var records = _iterator!.Read(full);
        // Name selection needs each process's name before its threads, and the walk gives no order: names first.
        if (selection.Processes.Names is { } patterns)
        {
            foreach (ref var record in records)
            {
                if (record.Tid != record.Tgid) continue;
                var (comm, untruncated) = LeaderName(ref record);
                bool matches = patterns.Match(comm, untruncated, patternMatched, out string name);
                _nameMatches[record.Tgid] = matches;
                if (matches) into.ProcessNames[record.Tgid] = name;
            }
        }
        foreach (ref var record in records)
            AddRecord(ref record, selection, full, into);
    }

    private void AddRecord(ref TaskRecord record, ThreadSelection selection, bool full, ThreadSnapshot into)
    {
        if (selection.Processes.Names is not null && !_nameMatches.GetValueOrDefault(record.Tgid)) return;
        if (selection.Processes.ProcessIds is not null && !_iterator!.Filters && !selection.Processes.ProcessIds.Contains(record.Tgid)) return;
        _seenProcesses.Add(record.Tgid);
        if (selection.ThreadIds is { } tids && !tids.Contains(record.Tid)) return;

        bool kernelThread = (record.Flags & TaskIteratorProgram.KernelThreadFlag) != 0;
        // A light pass is a baseline: its counters are all that is used of it.
        string? name = full ? ThreadName(ref record, kernelThread) : null;
        if (name is not null && record.Tid == record.Tgid && !into.ProcessNames.ContainsKey(record.Tgid) && name.Length < CommMaxLength)
            into.ProcessNames[record.Tgid] = name; // a longer comm may be cut: the sampler resolves it from /proc

        byte state = TaskStateLetter.From(record.State, record.ExitState);
        long ticksPerSecond = Clock.TicksPerSecond;
        Add(into, new ThreadReading
        {
            ProcessId = record.Tgid,
            ThreadId = record.Tid,
            Timestamp = ToStopwatch(record.Timestamp),
            Source = CpuTimeSource.TaskIterator,
            RunNanoseconds = (long)record.RunNanoseconds,
            UserTime = TimeSpan.FromTicks((long)(record.UserTimeNanoseconds / 100)),
            SystemTime = TimeSpan.FromTicks((long)(record.SystemTimeNanoseconds / 100)),
            MinorFaults = (long)record.MinorFaults,
            MajorFaults = (long)record.MajorFaults,
            VoluntaryContextSwitches = (long)record.VoluntarySwitches,
            InvoluntaryContextSwitches = (long)record.InvoluntarySwitches,
            // nsec_to_clock_t(start_boottime), as stat prints it.
            StartTicks = (long)(record.StartBootNanoseconds / (ulong)(1_000_000_000 / ticksPerSecond)),
            StartTimestamp = -1,
            Full = full,
            State = state,
            Processor = record.Cpu,
            Priority = record.Prio - 100,       // task_prio(): prio - MAX_RT_PRIO
            Nice = record.StaticPrio - 120,     // task_nice(): static_prio - DEFAULT_PRIO
            NamespaceProcessId = record.NamespaceTgid,
            NamespaceThreadId = record.NamespaceTid,
            Name = name,
            Syscall = full ? Syscall(in record, kernelThread) : null,
            WaitChannel = full ? WaitChannel(ref record) : null,
            IsKernelThread = kernelThread,
        });
    }

    private static TaskSyscall? Syscall(in TaskRecord record, bool kernelThread)
    {
        if (kernelThread) return null;
        return record.Syscall switch
        {
            TaskRecord.SyscallNotRead => new TaskSyscall(TaskSyscallKind.Running, -1),
            -1 => new TaskSyscall(TaskSyscallKind.User, -1),
            >= 0 and <= int.MaxValue => new TaskSyscall(TaskSyscallKind.InSyscall, (int)record.Syscall),
            _ => new TaskSyscall(TaskSyscallKind.User, -1), // orig_ax of a thread that is in no call: -1 by the ABI
        };
    }

    private unsafe string ThreadName(ref TaskRecord record, bool kernelThread)
    {
        var comm = CString(ref record.Comm[0], 16);
        // stat prints a workqueue worker as "kworker/0:1-events" and a kernel thread by its full name when
        // its comm was cut (proc_task_name): those come from stat.
        if (kernelThread && ((record.Flags & WorkqueueWorkerFlag) != 0 || comm.Length == CommMaxLength)
            && _reader.Read(_procFd, record.Tid, "stat"u8, out var content) == 0 && TaskStat.TryParse(content, out _, out var nameBytes))
            return Intern(nameBytes);
        return Intern(comm);
    }

    private (string Comm, string? Untruncated) LeaderName(ref TaskRecord record)
    {
        var comm = ThreadName(ref record, (record.Flags & TaskIteratorProgram.KernelThreadFlag) != 0);
        if (comm.Length < CommMaxLength) return (comm, null);
        if (_leaders.TryGetValue(record.Tgid, out var known) && known.Comm == comm) return known;
        ProcessNameResolver.TryResolve(_reader, _procFd, record.Tgid, out _, out string? untruncated);
        return _leaders[record.Tgid] = (comm, untruncated);
    }

    private unsafe string? WaitChannel(ref TaskRecord record)
    {
        int length = record.WaitChannelLength;
        if (length <= 1) return null;
        if (length > TaskRecord.WaitChannelRoom)
        {
            // Longer than the record's room: /proc has it whole.
            return _reader.Read(_procFd, record.Tid, "wchan"u8, out var content) == 0 ? ParseWaitChannel(content) : null;
        }
        var text = CString(ref record.WaitChannel[0], length - 1);
        if (text.StartsWith("0x"u8)) return null;                 // no symbol: /proc prints 0
        int module = text.IndexOf(" ["u8);                        // %ps adds the module; /proc does not
        return Intern(module < 0 ? text : text[..module]);
    }

    private static unsafe ReadOnlySpan<byte> CString(ref byte first, int room)
    {
        var span = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref first, room);
        int nul = span.IndexOf((byte)0);
        return nul < 0 ? span : span[..nul];
    }

    /// <summary>bpf_ktime_get_ns is CLOCK_MONOTONIC, which is what Stopwatch counts on Linux.</summary>
    private static long ToStopwatch(long monotonicNanoseconds) =>
        Stopwatch.Frequency == 1_000_000_000 ? monotonicNanoseconds : (long)(monotonicNanoseconds * (Stopwatch.Frequency / 1e9));
}
