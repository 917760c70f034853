using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Diag.Linux.Interop;

namespace Diag.Linux.Tracing;

/// <summary>
/// A ptrace trace: owns the one OS thread that makes every ptrace and waitpid call of the trace
/// (<see cref="PtraceEngine"/> runs there), the channels the caller reads, and the eventfd through
/// which <see cref="Stop"/> reaches that thread.
/// </summary>
internal sealed class PtraceTraceSession : ISyscallTraceSession
{
    private const int EventCapacity = 100_000;
    private const int NoticeCapacity = 10_000;
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<TraceEvent> _events = Channel.CreateBounded<TraceEvent>(
        new BoundedChannelOptions(EventCapacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<TraceNotice> _notices = Channel.CreateBounded<TraceNotice>(
        new BoundedChannelOptions(NoticeCapacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource<TraceResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _started = new();
    private readonly object _wakeGate = new();
    private int _wakeFd;
    private int _stopRequested;
    private Exception? _startFailure;
    private Thread? _thread;
    private int _launchedProcessId;

    private PtraceTraceSession(int wakeFd) => _wakeFd = wakeFd;

    public ChannelReader<TraceEvent> Events => _events.Reader;

    public ChannelReader<TraceNotice> Notices => _notices.Reader;

    public Task<TraceResult> Completion => _completion.Task;

    public int? LaunchedProcessId => Volatile.Read(ref _launchedProcessId) is var pid and > 0 ? pid : null;

    internal bool StopRequested => Volatile.Read(ref _stopRequested) != 0;

    internal long DroppedNotices { get; private set; }

    /// <summary>Starts the tracer thread and waits until the target is attached (or launched and exec'd).</summary>
    public static PtraceTraceSession Start(TraceTarget target, TraceOptions options)
    {
        var wakeFd = Libc.EventFd(0, Libc.EFD_CLOEXEC);
        if (wakeFd < 0)
            throw SyscallException.FromLastError("eventfd");
        var session = new PtraceTraceSession(wakeFd);
        var engine = new PtraceEngine(target, options, session);
        session._thread = new Thread(() => session.Run(engine)) { IsBackground = true, Name = "diag-ptrace" };
        session._thread.Start();
        session._started.Wait();
        if (session._startFailure is { } failure)
        {
            session._thread.Join();
            ExceptionDispatchInfo.Throw(failure);
        }
        return session;
    }

    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
            Wake();
    }

    /// <summary>Stops the trace and waits (bounded) until every tracee is detached.</summary>
    public void Dispose()
    {
        Stop();
        if (_thread is not null && _thread != Thread.CurrentThread)
            _thread.Join(DisposeTimeout);
    }

    /// <summary>Wakes the tracer thread out of its blocking waitpid: the waker child reads the eventfd and exits.</summary>
    internal unsafe void Wake()
    {
        lock (_wakeGate)
        {
            if (_wakeFd < 0)
                return;
            ulong one = 1;
            Libc.Write(_wakeFd, (byte*)&one, sizeof(ulong));
        }
    }

    internal int WakeFd => _wakeFd;

    internal void SetLaunchedProcessId(int pid) => Volatile.Write(ref _launchedProcessId, pid);

    /// <summary>Called by the engine once the target is attached or the launched command has exec'd.</summary>
    internal void SignalStarted() => _started.Set();

    internal bool TryWriteEvent(TraceEvent e) => _events.Writer.TryWrite(e);

    internal void Notice(TraceNoticeKind kind, string message, int? processId = null, int? threadId = null)
    {
        if (!_notices.Writer.TryWrite(new TraceNotice(kind, message, processId, threadId)))
            DroppedNotices++;
    }

    private void Run(PtraceEngine engine)
    {
        TraceResult? result = null;
        Exception? failure = null;
        try
        {
            result = engine.Run();
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            lock (_wakeGate)
            {
                Libc.Close(_wakeFd);
                _wakeFd = -1;
            }
        }

        _events.Writer.TryComplete();
        _notices.Writer.TryComplete();
        if (!_started.IsSet)
        {
            _startFailure = failure ?? new InvalidOperationException("the trace ended before it started");
            _completion.TrySetException(_startFailure);
            _started.Set();
        }
        else if (failure is not null)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult(result!);
        }
    }
}
