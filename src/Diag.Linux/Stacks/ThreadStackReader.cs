using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Stacks;

/// <summary>
/// Reads the stacks of a process's threads like pstack, without freezing the process: one thread is
/// stopped at a time, only while its registers and stack are copied (tens of microseconds), and released
/// before anything is unwound or named. Same safety as the syscall tracer: ptrace calls on one dedicated
/// thread that waits for its own tracees only, signals that arrive meanwhile handed back, a process stopped
/// with SIGSTOP left stopped, no thread left stopped however the read ends. If the host process is killed
/// mid-read, the kernel detaches its tracees: a thread that was stopped runs on.
/// </summary>
/// <remarks>Not thread-safe: one reader per pipeline. It counts what it could not do across processes, and
/// <see cref="Warnings"/> says it once with the remedy.</remarks>
public sealed class ThreadStackReader : IDisposable
{
    private readonly ThreadStackOptions _options;
    private readonly ProcFileReader _proc = new();
    private readonly SafeFileDescriptor _procFd;
    private StackSnapshot? _stack;
    private int _kernelUnreadable;
    private int _didNotStop;
    private readonly SortedSet<int> _processesWithUnnamedJit = new();

    public ThreadStackReader(ThreadStackOptions? options = null)
    {
        _options = options ?? new ThreadStackOptions();
        _procFd = _proc.OpenDirectory("/proc", out int errno) ?? throw new SyscallException("open", errno, "/proc");
    }

    /// <summary>The process a thread belongs to; null when there is no such thread.</summary>
    public static int? ProcessOfThread(int threadId) => TaskStatusFile.TryRead(threadId)?.ThreadGroupId;

    /// <summary>The failure for a thread ID that names no thread.</summary>
    public static TargetException ThreadNotFound(int threadId) => PtraceRefusal.NotFound(threadId, wholeProcess: false);

    /// <summary>Stops each thread of the process (or only <paramref name="threadIds"/>) in turn and returns
    /// their stacks. A failure that concerns the whole process is returned in <see cref="ProcessStacks.Failure"/>.</summary>
    public ProcessStacks Read(int processId, IReadOnlyCollection<int>? threadIds = null, CancellationToken token = default)
    {
        if (Refuse(processId) is { } refused) return new ProcessStacks { ProcessId = processId, Failure = refused };
        var name = ProcessName(processId);
        var present = ListThreads(processId);
        var missing = threadIds?.Where(t => !present.Contains(t)).Distinct().Order().ToArray() ?? [];

        var selected = threadIds is null ? present.ToList() : present.Where(threadIds.Contains).ToList();
        var space = AddressSpace.Read(processId);
        if (space is null || selected.Count == 0 && threadIds is null)
            return new ProcessStacks { ProcessId = processId, Failure = Unreadable(processId) };

        _stack ??= new StackSnapshot(StackCapture.StackCopyLimit);
        var captured = StackCapture.Run(processId, selected, space, _stack, _options.Kernel, _options.StopTimeout, token);

        var symbolizer = new StackSymbolizer(space, _options.SourceLines);
        var stacks = new List<ThreadStack>(captured.Count);
        foreach (var thread in captured.OrderBy(t => t.ThreadId))
        {
            if (thread.Outcome is CaptureOutcome.Captured or CaptureOutcome.DidNotStop)
                stacks.Add(Build(processId, name, thread, symbolizer));
        }
        if (symbolizer.UnnamedJitFrames > 0) _processesWithUnnamedJit.Add(processId);

        var refusals = captured.Where(t => t.Outcome == CaptureOutcome.Refused).ToList();
        TargetException? failure = null;
        var threadFailures = missing.Select(tid => new TargetException(TargetFailureReason.NotFound, tid,
            $"thread {tid} is not a thread of process {processId}", $"check the thread id (Get-ThreadCpu -Id {processId})") { Errno = Interop.Errno.ESRCH }).ToList();
        if (stacks.Count == 0 && refusals.FirstOrDefault(r => r.Failure!.Reason != TargetFailureReason.AlreadyTraced) is { } denied)
            failure = denied.Failure;
        else if (refusals.Count > 0)
            threadFailures.Add(TracedThreads(processId, refusals, captured.Count));
        return new ProcessStacks
        {
            ProcessId = processId,
            ProcessName = name,
            Threads = stacks,
            Failure = failure,
            ThreadFailures = threadFailures,
        };
    }

    /// <summary>What could not be done, once each with its count and what to do about it.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            if (_didNotStop > 0)
                warnings.Add($"{Count(_didNotStop, "thread")} did not stop within {_options.StopTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s " +
                             "(uninterruptible sleep: State DiskSleep) and are shown without frames; -Kernel shows where they wait in the kernel.");
            if (_kernelUnreadable > 0)
                warnings.Add($"The kernel stacks of {Count(_kernelUnreadable, "thread")} could not be read: /proc/PID/task/TID/stack needs root (CAP_SYS_ADMIN).");
            if (_options.SourceLines && !SourceLineResolver.IsAvailable)
                warnings.Add("SourceFile and Line need libdw (elfutils), which is not installed: apt-get install libdw1 (Debian, Ubuntu), dnf install elfutils-libs (Fedora, RHEL).");
            if (_processesWithUnnamedJit.Count > 0)
                warnings.Add($"Some frames of process {string.Join(", ", _processesWithUnnamedJit)} are in code a runtime generated or precompiled that no perf map names: " +
                             "start .NET with DOTNET_PerfMapEnabled=1 (DOTNET_ReadyToRun=0 also names the framework's precompiled code), " +
                             "Node with --perf-basic-prof --interpreted-frames-native-stack, the JVM with perf-map-agent.");
            return warnings;
        }
    }

    /// <summary>Folds threads stopped at the same place (the same <see cref="ThreadStack.Signature"/> in one
    /// process) into one group each, the largest groups first.</summary>
    public static IEnumerable<ThreadStackGroup> Fold(IEnumerable<ThreadStack> stacks) =>
        stacks.GroupBy(s => (s.ProcessId, s.Signature))
            .Select(g =>
            {
                var members = g.OrderBy(s => s.ThreadId).ToArray();
                return new ThreadStackGroup
                {
                    ProcessId = g.Key.ProcessId,
                    ProcessName = members[0].ProcessName,
                    Count = members.Length,
                    ThreadIds = members.Select(s => s.ThreadId).ToArray(),
                    ThreadNames = members.Select(s => s.ThreadName).ToArray(),
                    CurrentSyscall = members[0].CurrentSyscall,
                    Signature = g.Key.Signature,
                    Frames = members[0].Frames,
                };
            })
            .OrderBy(g => g.ProcessId).ThenByDescending(g => g.Count).ThenBy(g => g.ThreadIds[0]);

    private ThreadStack Build(int processId, string processName, CapturedThread thread, StackSymbolizer symbolizer)
    {
        var frames = thread.Unwind is { } unwind ? symbolizer.Symbolize(unwind.Frames) : [];
        StackFrame[]? kernel = null;
        if (_options.Kernel)
        {
            if (thread.KernelStack is { } text) kernel = KernelStackParser.Parse(text);
            else _kernelUnreadable++;
        }
        string? problem = null;
        if (thread.Outcome == CaptureOutcome.DidNotStop)
        {
            _didNotStop++;
            problem = $"the thread did not stop within {_options.StopTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (uninterruptible sleep?)";
        }
        else if (thread.Unwind is { End: not UnwindEnd.Outermost } ended)
        {
            problem = ended.Detail ?? ended.End switch
            {
                UnwindEnd.DepthLimit => $"more than {StackUnwinder.MaxFrames} frames",
                _ => ended.End.ToString(),
            };
        }
        return new ThreadStack
        {
            ProcessId = processId,
            ProcessName = processName,
            ThreadId = thread.ThreadId,
            ThreadName = thread.Name,
            State = Threads.ThreadStates.FromLetter(thread.State),
            CurrentSyscall = thread.SyscallNumber is >= 0 and <= int.MaxValue ? SyscallTable.GetName((int)thread.SyscallNumber) : null,
            Frames = frames,
            KernelFrames = kernel,
            Signature = StackSymbolizer.Signature(frames),
            Complete = thread.Outcome == CaptureOutcome.Captured && thread.Unwind?.End == UnwindEnd.Outermost,
            Problem = problem,
            StopDuration = thread.StopDuration,
            Timestamp = thread.Timestamp,
        };
    }

    /// <summary>The checks that concern the whole process, before any thread is touched.</summary>
    private static TargetException? Refuse(int processId)
    {
        if (processId == Environment.ProcessId)
            return new TargetException(TargetFailureReason.Unsupported, processId,
                "a process cannot stop its own threads: this is the process running the stack reader",
                "read the stacks of this process from another shell");
        var status = TaskStatusFile.TryRead(processId);
        if (status is null) return PtraceRefusal.NotFound(processId, wholeProcess: true);
        if (status.Value.ThreadGroupId != processId) return PtraceRefusal.ThreadNotProcess(processId, status.Value.ThreadGroupId, "");
        if (status.Value.IsZombie) return PtraceRefusal.Exited(processId, status.Value, wholeProcess: true);
        if (status.Value.IsKernelThread) return PtraceRefusal.KernelThread(processId, wholeProcess: true, ReadAction);
        if (status.Value.ParentProcessId == Environment.ProcessId)
            return PtraceRefusal.ChildOfHost(processId,
                "start it so that this process is not its parent (from another shell, or through a shell that backgrounds it: sh -c 'command &'), or read its stacks from another shell");
        return null;
    }

    /// <summary>Why a process that passed <see cref="Refuse"/> shows no memory map or no thread: it exited meanwhile, or
    /// this session may not read it (/proc/PID/maps needs the same ptrace access as stopping a thread), said as
    /// Trace-Syscall says it for the same process.</summary>
    private static TargetException Unreadable(int processId)
    {
        var status = TaskStatusFile.TryRead(processId);
        if (status is null) return PtraceRefusal.NotFound(processId, wholeProcess: true);
        if (status.Value.IsZombie) return PtraceRefusal.Exited(processId, status.Value, wholeProcess: true);
        return PtraceRefusal.Diagnose(processId, Interop.Errno.EPERM, wholeProcess: true, ReadAction);
    }

    /// <summary>What Get-ThreadStack does to a target, for messages ("no permission to read the stacks of process 1 (systemd)").</summary>
    internal const string ReadAction = "read the stacks of";

    private static TargetException TracedThreads(int processId, List<CapturedThread> refusals, int attempted)
    {
        var first = refusals[0].Failure!;
        if (refusals.Count == 1) return first;
        var ids = string.Join(", ", refusals.Take(10).Select(r => r.ThreadId)) + (refusals.Count > 10 ? ", ..." : "");
        var reason = first.Message[(first.Message.IndexOf(" is already", StringComparison.Ordinal) is var at and >= 0 ? at + 1 : 0)..];
        return new TargetException(first.Reason, processId,
            $"{refusals.Count} of the {attempted} threads of process {processId} ({ids}) could not be stopped: {reason}", first.Remedy) { Errno = first.Errno };
    }

    private string ProcessName(int pid) =>
        ProcessNameResolver.TryResolve(_proc, _procFd, pid, out var comm, out var untruncated) ? untruncated ?? comm : "";

    private HashSet<int> ListThreads(int pid)
    {
        var tids = new List<int>();
        using var taskFd = _proc.OpenDirectory(_procFd, pid, "task"u8, out _);
        if (taskFd is not null) _proc.ListNumericEntries(taskFd, tids);
        return tids.ToHashSet();
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    public void Dispose()
    {
        _stack?.Dispose();
        _procFd.Dispose();
        _proc.Dispose();
    }
}
