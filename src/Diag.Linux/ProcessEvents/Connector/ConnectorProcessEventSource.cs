using Diag.Linux.Output;
using Diag.Linux.Syscalls.Decoding;

namespace Diag.Linux.ProcessEvents.Connector;

/// <summary>
/// The process-connector source of a watch, for sessions that may not load eBPF programs (forkstat's way): fork,
/// exec and exit come from the kernel with their ids and exit status; names, paths, command lines, working
/// directories and users are read from /proc when the event arrives, and marked late. What the source remembers
/// of each process (its name and program at its last exec, when it was forked) names its exit.
/// </summary>
internal sealed class ConnectorProcessEventSource : IProcessEventSource
{
    private const int MaxRemembered = 65536, MaxQueued = 1_000_000;

    private readonly ProcessConnectorSocket _socket;
    private readonly EventClock _clock;
    private readonly CgroupPaths _cgroups;
    private readonly Dictionary<int, Remembered> _processes = new();
    private readonly List<ProcessEvent> _queue = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Thread _thread;
    private int _stopping;
    private long _dropped;
    private Exception? _failure;

    private sealed class Remembered
    {
        public string Name = "";
        public string? Path;
        public ulong ForkTime;
        public int UserId, GroupId, ParentId;
        public long CgroupId;
        public string? Cgroup;
    }

    private ConnectorProcessEventSource(ProcessConnectorSocket socket, EventClock clock, CgroupPaths cgroups)
    {
        _socket = socket;
        _clock = clock;
        _cgroups = cgroups;
        // /proc is read the moment an event arrives, on a thread of its own: a slow pipeline must not make the
        // reads later still (a process that lives a millisecond is gone by then).
        _thread = new Thread(Listen) { IsBackground = true, Name = "diag-proc-connector" };
        _thread.Start();
    }

    public ProcessEventSource Kind => ProcessEventSource.ProcessConnector;

    public string Description =>
        "Watching through the kernel's process connector (netlink, as forkstat does): names, paths, command lines and working directories are read from /proc as each event arrives (IsLate), so a process that exits at once may have none; filters are evaluated here, not in the kernel.";

    public static ConnectorProcessEventSource Start(EventClock clock, CgroupPaths cgroups) =>
        new(ProcessConnectorSocket.Open(), clock, cgroups);

    public void Poll(List<ProcessEvent> events, TimeSpan timeout, CancellationToken cancellation)
    {
        if (_failure is { } failure)
            throw new InvalidOperationException("the process connector's reader failed: " + failure.Message, failure);
        if (_ready.Wait(timeout, cancellation))
            Take(events);
    }

    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
            return;
        _thread.Join();
    }

    public void Drain(List<ProcessEvent> events)
    {
        Stop();
        lock (_queue)
            ReadSocket(); // what arrived between the last read and the stop
        Take(events);
    }

    public IReadOnlyList<string> Losses()
    {
        var losses = new List<string>();
        if (_socket.Overflows > 0)
            losses.Add($"the kernel dropped process connector events {_socket.Overflows} times because they came faster than this session could read /proc for them (the connector does not say how many; the kernel source, as root, counts in the kernel and loses none in a summary)");
        if (Interlocked.Read(ref _dropped) is > 0 and var dropped)
            losses.Add($"{dropped} events were dropped because the pipeline did not take them ({MaxQueued} were waiting)");
        return losses;
    }

    public List<SummaryTally>? ReadSummary() => null;

    public void Dispose()
    {
        Stop();
        _socket.Dispose();
        _ready.Dispose();
    }

    private void Listen()
    {
        try
        {
            while (Volatile.Read(ref _stopping) == 0)
            {
                if (!_socket.Wait(100))
                    continue;
                lock (_queue)
                    ReadSocket();
                _ready.Release();
            }
        }
        catch (Exception e)
        {
            _failure = e;
            try
            {
                _ready.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Reads what the socket holds into the queue; the caller holds the queue's lock.</summary>
    private void ReadSocket() => _socket.ReadQueued(Handle);

    private void Take(List<ProcessEvent> events)
    {
        lock (_queue)
        {
            events.AddRange(_queue);
            _queue.Clear();
        }
    }

    private void Handle(ConnectorMessage message)
    {
        if (_queue.Count >= MaxQueued && message.What is ConnectorMessage.Fork or ConnectorMessage.Exec or ConnectorMessage.Exit)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        switch (message.What)
        {
            case ConnectorMessage.Fork when message.C == message.D: // child_pid == child_tgid: a process, not a thread
                _queue.Add(OnFork(message));
                break;
            case ConnectorMessage.Exec:
                _queue.Add(OnExec(message));
                break;
            case ConnectorMessage.Exit when message.A == message.B: // the leader: the process
                _queue.Add(OnExit(message));
                break;
            case ConnectorMessage.CommChange when message.A == message.B && message.Comm is { } comm:
                Remember((int)message.B, null).Name = comm; // PR_SET_NAME
                break;
            case ConnectorMessage.UserChange when message.A == message.B:
                Remember((int)message.B, null).UserId = (int)message.C; // setuid: the real uid
                break;
            case ConnectorMessage.GroupChange when message.A == message.B:
                Remember((int)message.B, null).GroupId = (int)message.C;
                break;
        }
    }

    private ProcessEvent OnFork(ConnectorMessage m)
    {
        var pid = (int)m.D;
        var parentId = (int)m.B;
        var facts = LateProcessFacts.Read(pid, withCommandLine: false);
        var parent = Remember(parentId, null);
        _processes.Remove(pid); // a new process: nothing of an earlier one with this id
        var child = Remember(pid, facts);
        child.ForkTime = m.TimestampNanoseconds;
        child.ParentId = parentId;
        // A child that is already gone inherits what a fork copies: program, name, credentials, cgroup.
        child.Path ??= parent.Path;
        if (child.Name.Length == 0)
            child.Name = parent.Name;
        if (facts.UserId is null)
        {
            child.UserId = parent.UserId;
            child.GroupId = parent.GroupId;
        }
        if (facts.Cgroup is null)
        {
            child.Cgroup = parent.Cgroup;
            child.CgroupId = parent.CgroupId;
        }
        return new ProcessEvent
        {
            Timestamp = _clock.ToLocal(m.TimestampNanoseconds),
            EventKind = ProcessEventKind.Fork,
            ProcessId = pid,
            ThreadId = (int)m.C,
            Name = child.Name,
            ParentId = parentId,
            ParentName = parent.Name,
            ParentThreadId = (int)m.A,
            ParentThreadName = ThreadName(parentId, (int)m.A, parent.Name),
            UserId = child.UserId,
            UserName = UserNames.NameOf(child.UserId),
            GroupId = child.GroupId,
            Path = child.Path,
            PathDeleted = facts.PathDeleted,
            StartTime = _clock.ToLocal(m.TimestampNanoseconds),
            CgroupId = child.CgroupId,
            Cgroup = child.Cgroup,
            ContainerId = ContainerIds.FromCgroup(child.Cgroup),
            NamespaceProcessId = facts.NamespaceProcessId ?? pid,
            SourceKind = ProcessEventSource.ProcessConnector,
            IsLate = true,
        };
    }

    private ProcessEvent OnExec(ConnectorMessage m)
    {
        var pid = (int)m.B;
        var facts = LateProcessFacts.Read(pid, withCommandLine: true);
        var process = Remember(pid, facts);
        if (facts.Path is { } path)
            process.Path = path;
        else
            process.Path = null; // the program before the exec is not the one after
        // A process that exits at once is gone before /proc is read: its parent is the one that forked it.
        var parentId = facts.ParentId ?? process.ParentId;
        process.ParentId = parentId;
        var parent = parentId == 0 ? null : Remember(parentId, null);
        var args = facts.Arguments ?? [];
        return new ProcessEvent
        {
            Timestamp = _clock.ToLocal(m.TimestampNanoseconds),
            EventKind = ProcessEventKind.Exec,
            ProcessId = pid,
            ThreadId = (int)m.A,
            Name = process.Name,
            ParentId = parentId,
            ParentName = parent?.Name ?? "",
            ParentThreadId = parentId,
            ParentThreadName = parent?.Name ?? "",
            UserId = process.UserId,
            UserName = UserNames.NameOf(process.UserId),
            GroupId = process.GroupId,
            Path = facts.Path,
            PathDeleted = facts.PathDeleted,
            CommandLine = args.Count == 0 ? null : string.Join(' ', args),
            Arguments = ItemList.Of(args),
            ArgumentBytes = args.Sum(a => System.Text.Encoding.UTF8.GetByteCount(a) + 1),
            WorkingDirectory = facts.WorkingDirectory,
            StartTime = process.ForkTime == 0 ? null : _clock.ToLocal(process.ForkTime),
            CgroupId = process.CgroupId,
            Cgroup = process.Cgroup,
            ContainerId = ContainerIds.FromCgroup(process.Cgroup),
            NamespaceProcessId = facts.NamespaceProcessId ?? pid,
            SourceKind = ProcessEventSource.ProcessConnector,
            IsLate = true,
        };
    }

    private ProcessEvent OnExit(ConnectorMessage m)
    {
        var pid = (int)m.B;
        var status = (int)m.C;
        _processes.TryGetValue(pid, out var process);
        _processes.Remove(pid);
        var parentId = m.HasParent ? (int)m.F : process?.ParentId ?? 0;
        var parent = parentId == 0 ? null : Remember(parentId, null);
        int? exitCode = null;
        string? signal = null;
        if ((status & 0x7f) == 0)
            exitCode = (status >> 8) & 0xff;
        else
            signal = SignalNames.Name(status & 0x7f);
        return new ProcessEvent
        {
            Timestamp = _clock.ToLocal(m.TimestampNanoseconds),
            EventKind = ProcessEventKind.Exit,
            ProcessId = pid,
            ThreadId = (int)m.A,
            Name = process?.Name ?? "",
            ParentId = parentId,
            ParentName = parent?.Name ?? "",
            ParentThreadId = m.HasParent ? (int)m.E : 0,
            ParentThreadName = parent?.Name ?? "",
            UserId = process?.UserId ?? 0,
            UserName = process is null ? null : UserNames.NameOf(process.UserId),
            GroupId = process?.GroupId ?? 0,
            Path = process?.Path,
            ExitCode = exitCode,
            Signal = signal,
            CoreDumped = signal is not null && (status & 0x80) != 0,
            Lifetime = process is { ForkTime: > 0 } && m.TimestampNanoseconds > process.ForkTime
                ? TimeSpan.FromTicks((long)((m.TimestampNanoseconds - process.ForkTime) / 100)) : null,
            StartTime = process is { ForkTime: > 0 } ? _clock.ToLocal(process.ForkTime) : null,
            CgroupId = process?.CgroupId ?? 0,
            Cgroup = process?.Cgroup,
            ContainerId = ContainerIds.FromCgroup(process?.Cgroup),
            NamespaceProcessId = pid,
            SourceKind = ProcessEventSource.ProcessConnector,
            IsLate = true,
        };
    }

    /// <summary>What is known of <paramref name="pid"/>, refreshed from <paramref name="facts"/> or, for a process
    /// never seen, from /proc now.</summary>
    private Remembered Remember(int pid, LateProcessFacts? facts)
    {
        if (!_processes.TryGetValue(pid, out var known))
        {
            if (_processes.Count >= MaxRemembered)
                _processes.Clear(); // processes that exited unseen (before the watch): start over rather than grow
            known = new Remembered();
            _processes[pid] = known;
            facts ??= LateProcessFacts.Read(pid, withCommandLine: false);
        }
        if (facts is not null)
        {
            if (facts.Name is { } name) known.Name = name;
            if (facts.Path is { } path) known.Path = path;
            if (facts.UserId is { } uid) known.UserId = uid;
            if (facts.GroupId is { } gid) known.GroupId = gid;
            if (facts.Cgroup is { } cgroup && cgroup != known.Cgroup)
            {
                known.Cgroup = cgroup;
                known.CgroupId = (long)_cgroups.IdOf(cgroup);
            }
        }
        else if (known.Name.Length == 0)
        {
            known.Name = Diag.Linux.ProcFs.TaskStatusFile.ReadComm(pid) is var comm && comm != "?" ? comm : "";
        }
        return known;
    }

    /// <summary>A thread's name: the process's for its leader, /proc's otherwise.</summary>
    private static string ThreadName(int pid, int tid, string processName)
    {
        if (pid == tid)
            return processName;
        try
        {
            return File.ReadAllText(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/proc/{pid}/task/{tid}/comm")).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return processName;
        }
    }
}
