using System.Globalization;
using System.Runtime.InteropServices;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Exits;

/// <summary>
/// Waits for processes to exit, whoever their parent is, without stopping or tracing them: one pidfd per process
/// (pidfd_open, Linux 5.3; readable once the process has exited) polled together with an eventfd that cancellation
/// writes, so Ctrl+C ends the wait at once. The exit status comes from PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux
/// 6.15), once the parent has reaped the process; on older kernels from the process connector, subscribed before the
/// pidfds are opened so no exit is missed; and from a zombie's /proc/PID/stat while its parent has not reaped it.
/// The engine owns the clock and yields items; not thread-safe.
/// </summary>
public sealed class ProcessExitWaiter : IDisposable
{
    private static readonly TimeSpan ReapWait = TimeSpan.FromMilliseconds(200);
    private readonly ProcFileReader _reader = new();
    private readonly SafeFileDescriptor _procFd;
    private readonly long _ticksPerSecond;

    /// <summary>Reads processes under <paramref name="rootPath"/>'s /proc. Throws <see cref="SyscallException"/> when it
    /// cannot be opened.</summary>
    public ProcessExitWaiter(string rootPath = "/")
    {
        var procPath = rootPath == "/" ? "/proc" : Path.Combine(rootPath, "proc");
        _procFd = _reader.OpenDirectory(procPath, out int errno) ?? throw new SyscallException("open", errno, procPath);
        _ticksPerSecond = Math.Max(1, Libc.SysConf(Libc._SC_CLK_TCK));
    }

    /// <summary>Use the process connector even where PIDFD_INFO_EXIT exists (tests of the older kernels' path).</summary>
    internal bool ForceProcessConnector { get; init; }

    /// <summary>The kernel keeps a reaped process's exit status for its pidfds (Linux 6.15).</summary>
    public static bool KernelHasPidfdExitInfo
    {
        get
        {
            var release = MachineText("/proc/sys/kernel/osrelease");
            var parts = release.Split('.', '-');
            return parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int major) &&
                   int.TryParse(parts[1], CultureInfo.InvariantCulture, out int minor) && (major > 6 || (major == 6 && minor >= 15));
        }
    }

    /// <summary>
    /// Yields a notice naming the status source, then one item per process as it exits (or was gone before the wait
    /// began); with <paramref name="any"/> it ends after the first exit. At <paramref name="timeout"/> each process still
    /// running is one StillRunning item. Cancellation ends the sequence at once.
    /// </summary>
    public IEnumerable<ExitWaitItem> Wait(IReadOnlyList<int> processIds, bool any, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");
        return WaitIterator(processIds, any, timeout, cancellationToken);
    }

    private IEnumerable<ExitWaitItem> WaitIterator(IReadOnlyList<int> processIds, bool any, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        bool pidfdInfo = !ForceProcessConnector && KernelHasPidfdExitInfo;
        ProcessConnector? connector = null;
        var targets = new List<WaitTarget>();
        using var wake = Libc.EventFdHandle(0, Libc.EFD_CLOEXEC);
        if (wake.IsInvalid) throw SyscallException.FromLastError("eventfd");
        using var registration = cancellationToken.Register(() => Signal(wake));
        var connectorExits = new Dictionary<int, ConnectorExit>();
        try
        {
            // Everything is opened before the first item is yielded: once a caller has the first item, every exit from
            // then on is seen. The connector is subscribed before the pidfds: an exit between the two is still seen.
            var early = new List<ExitWaitItem>();
            if (pidfdInfo)
                early.Add(Notice("Exit statuses come from the pidfds (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15+): each process is seen to exit without being traced or stopped."));
            else
            {
                connector = ProcessConnector.Open(out int errno);
                early.Add(Notice(connector is not null
                    ? $"Exit statuses come from the kernel's process connector (netlink PROC_EVENT_EXIT){(ForceProcessConnector ? "" : ": this kernel (before 6.15) keeps no exit status for pidfds")}."
                    : $"Exit statuses can only be read from a zombie's /proc/PID/stat before its parent collects it: this kernel (before 6.15) keeps none for pidfds, and the process connector refused ({Errno.GetName(errno)}: it needs CAP_NET_ADMIN in the initial namespaces)."));
            }
            foreach (int pid in processIds.Distinct())
            {
                var target = WaitTarget.Open(_reader, _procFd, _ticksPerSecond, pid, out int errno);
                if (target is null)
                {
                    early.Add(errno == Errno.EINVAL
                        ? new ExitWaitItem(ExitWaitItemKind.NotAProcess, pid, "", $"{pid} is a thread, not a process: a thread's exit has no status of its own.")
                        : new ExitWaitItem(ExitWaitItemKind.ExitedBeforeWait, pid, "", $"Process {pid} exited before the wait started: its exit status went to its parent and nowhere else."));
                    continue;
                }
                targets.Add(target);
                if (target.WasZombie)
                    early.Add(Notice($"Process {pid} ({target.Name}) had already exited: it is a zombie waiting for its parent ({target.ParentProcessId}) to collect its status.", pid, target.Name));
            }
            foreach (var item in early) yield return item;

            while (targets.Count > 0)
            {
                if (cancellationToken.IsCancellationRequested) yield break;
                var ready = Poll(wake, connector, targets, Remaining(started, timeout), out bool timedOut);
                if (cancellationToken.IsCancellationRequested) yield break;
                connector?.Drain(e => { if (targets.Any(t => t.ProcessId == e.ProcessId)) connectorExits[e.ProcessId] = e; }); // the last thread's event has the status
                if (timedOut)
                {
                    foreach (var target in targets)
                        yield return new ExitWaitItem(ExitWaitItemKind.StillRunning, target.ProcessId, target.Name,
                            $"Process {target.ProcessId} ({target.Name}) was still running when the {Text(timeout!.Value)} timeout expired.");
                    yield break;
                }
                foreach (var target in ready)
                {
                    targets.Remove(target);
                    var exit = Resolve(target, pidfdInfo, connector, connectorExits, wake, cancellationToken);
                    target.Dispose();
                    if (exit is null) yield break; // cancelled while waiting for the parent to reap it
                    yield return new ExitWaitItem(ExitWaitItemKind.Exited, target.ProcessId, target.Name, exit.ToString(), exit);
                    if (any) yield break;
                }
            }
        }
        finally
        {
            foreach (var target in targets) target.Dispose();
            connector?.Dispose();
        }
    }

    private ProcessExit? Resolve(WaitTarget target, bool pidfdInfo, ProcessConnector? connector, Dictionary<int, ConnectorExit> connectorExits,
        SafeFileDescriptor wake, CancellationToken cancellationToken)
    {
        DateTime? exitTime = target.WasZombie ? null : DateTime.Now;
        if (pidfdInfo)
        {
            // The status is kept once the parent has reaped the process, which usually follows within microseconds.
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            while (true)
            {
                if (Libc.PidfdGetInfo(target.PidFd, Libc.PIDFD_INFO_EXIT, out var info) == 0 && (info.Mask & Libc.PIDFD_INFO_EXIT) != 0)
                    return new ProcessExit(target, new WaitStatus(info.ExitCode), ExitStatusSource.PidfdInfo, exitTime, "");
                if (System.Diagnostics.Stopwatch.GetElapsedTime(start) >= ReapWait) break;
                if (WaitOn(wake, 5)) return null;
                if (cancellationToken.IsCancellationRequested) return null;
            }
        }
        else if (connector is not null)
        {
            connector.Drain(e => { if (e.ProcessId == target.ProcessId) connectorExits[e.ProcessId] = e; });
            if (connectorExits.TryGetValue(target.ProcessId, out var e))
                return new ProcessExit(target, new WaitStatus(e.Status), ExitStatusSource.ProcessConnector,
                    target.WasZombie ? null : KernelTime.FromMonotonic(e.TimestampNanoseconds), "");
        }
        if (ZombieStatus.Read(_reader, _procFd, target.ProcessId, target.UserId) is { } status)
            return new ProcessExit(target, new WaitStatus(status), ExitStatusSource.ZombieStat, exitTime,
                $"Read from the zombie's /proc/{target.ProcessId}/stat: its parent ({target.ParentProcessId}) had not collected it.");
        var note = pidfdInfo
            ? $"Its parent ({target.ParentProcessId}) has not collected it yet, and a zombie's status is readable only by root or its owner."
            : connector is null
                ? "This kernel keeps no exit status for pidfds and the process connector needs CAP_NET_ADMIN: run as root to get statuses."
                : "The process connector lost its exit event (too many events at once).";
        return new ProcessExit(target, null, ExitStatusSource.None, exitTime, note);
    }

    /// <summary>Polls the wake eventfd, the connector and the pidfds; returns the targets that exited.</summary>
    private static unsafe List<WaitTarget> Poll(SafeFileDescriptor wake, ProcessConnector? connector, List<WaitTarget> targets, TimeSpan? remaining, out bool timedOut)
    {
        timedOut = false;
        int fixedCount = connector is null ? 1 : 2;
        var fds = new Libc.PollFd[fixedCount + targets.Count];
        var added = new List<SafeHandle>();
        try
        {
            fds[0] = new Libc.PollFd { Fd = AddRef(wake, added), Events = Libc.POLLIN };
            if (connector is not null) fds[1] = new Libc.PollFd { Fd = AddRef(connector.Socket, added), Events = Libc.POLLIN };
            for (int i = 0; i < targets.Count; i++) fds[fixedCount + i] = new Libc.PollFd { Fd = AddRef(targets[i].PidFd, added), Events = Libc.POLLIN };
            while (true)
            {
                // poll takes milliseconds as an int: longer waits are chunked.
                int timeoutMs = remaining is { } r ? (int)Math.Min(Math.Ceiling(Math.Max(0, r.TotalMilliseconds)), int.MaxValue - 1) : -1;
                int rc;
                fixed (Libc.PollFd* p = fds) rc = Libc.Poll(p, (nuint)fds.Length, timeoutMs);
                if (rc < 0)
                {
                    if (Libc.LastErrno == Errno.EINTR) continue;
                    throw SyscallException.FromLastError("poll");
                }
                var ready = new List<WaitTarget>();
                for (int i = 0; i < targets.Count; i++)
                    if ((fds[fixedCount + i].Returned & (Libc.POLLIN | Libc.POLLHUP)) != 0) ready.Add(targets[i]);
                if (rc == 0 && remaining is { } left)
                {
                    if (left.TotalMilliseconds <= int.MaxValue - 1) timedOut = true;
                    else { remaining = left - TimeSpan.FromMilliseconds(int.MaxValue - 1); continue; }
                }
                return ready;
            }
        }
        finally
        {
            foreach (var handle in added) handle.DangerousRelease();
        }
    }

    private static int AddRef(SafeFileDescriptor fd, List<SafeHandle> added)
    {
        bool ok = false;
        fd.DangerousAddRef(ref ok);
        if (ok) added.Add(fd);
        return fd.Value;
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> on the wake eventfd; true when it was signalled (cancelled).</summary>
    private static unsafe bool WaitOn(SafeFileDescriptor wake, int milliseconds)
    {
        bool ok = false;
        wake.DangerousAddRef(ref ok);
        try
        {
            var fd = new Libc.PollFd { Fd = wake.Value, Events = Libc.POLLIN };
            return Libc.Poll(&fd, 1, milliseconds) > 0;
        }
        finally
        {
            if (ok) wake.DangerousRelease();
        }
    }

    private static unsafe void Signal(SafeFileDescriptor wake)
    {
        ulong one = 1;
        try
        {
            Libc.Write(wake, (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // The wait already ended.
        }
    }

    private static TimeSpan? Remaining(long started, TimeSpan? timeout) =>
        timeout is { } t ? t - System.Diagnostics.Stopwatch.GetElapsedTime(started) : null;

    private static ExitWaitItem Notice(string message, int pid = 0, string name = "") => new(ExitWaitItemKind.Notice, pid, name, message);

    private static string Text(TimeSpan t) => t.TotalSeconds < 120 && t.Ticks % TimeSpan.TicksPerMillisecond == 0
        ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "-second"
        : t.ToString("c", CultureInfo.InvariantCulture);

    private static string MachineText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        _procFd.Dispose();
        _reader.Dispose();
    }
}
