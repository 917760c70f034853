using System.Text;
using System.Threading.Channels;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing;

/// <summary>
/// The file descriptors a launched command gets as its standard streams (files, /dev/null, or the write
/// ends of pipes), and the threads that read the captured pipes line by line into <see cref="Lines"/>.
/// A job or a remoting session uses the launcher's own stdout as its transport, so a captured stream
/// must never reach it: lines go to the caller, which decides how to show them.
/// </summary>
internal sealed unsafe class LaunchedStreams : IDisposable
{
    private const int PollMilliseconds = 50;
    private readonly int[] _childFds = [-1, -1, -1];
    private readonly List<(int Fd, bool IsError)> _captures = new();
    private readonly List<Thread> _readers = new();
    private readonly Channel<LaunchedOutputLine> _lines = Channel.CreateUnbounded<LaunchedOutputLine>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _stopReading;
    private int _pendingReaders;

    private LaunchedStreams()
    {
    }

    /// <summary>The command's stdin, stdout and stderr for the clone trampoline (-1: inherit).</summary>
    public int InputFd => _childFds[0];
    public int OutputFd => _childFds[1];
    public int ErrorFd => _childFds[2];

    /// <summary>Captured lines; completes once every captured stream reached end of file or was abandoned.</summary>
    public ChannelReader<LaunchedOutputLine> Lines => _lines.Reader;

    /// <summary>Opens what <paramref name="settings"/> asks for. Throws <see cref="TargetException"/>
    /// (LaunchFailed) when a file cannot be opened, before anything is started.</summary>
    public static LaunchedStreams Open(LaunchStreamSettings settings)
    {
        var streams = new LaunchedStreams();
        try
        {
            streams._childFds[0] = streams.OpenOne(settings.Input, 0, null);
            streams._childFds[1] = streams.OpenOne(settings.Output, 1, null);
            // 2>&1 into the same file: one open file, so that the two streams do not overwrite each other.
            var sharedWithOutput = settings.Error.Mode == LaunchStreamMode.File && settings.Output.Mode == LaunchStreamMode.File
                && string.Equals(Path.GetFullPath(settings.Error.Path!), Path.GetFullPath(settings.Output.Path!), StringComparison.Ordinal);
            streams._childFds[2] = streams.OpenOne(settings.Error, 2, sharedWithOutput ? streams._childFds[1] : null);
            return streams;
        }
        catch
        {
            streams.Dispose();
            throw;
        }
    }

    private int OpenOne(LaunchStream stream, int which, int? shared)
    {
        switch (stream.Mode)
        {
            case LaunchStreamMode.Inherit:
                return -1;
            case LaunchStreamMode.Null:
                return OpenFile("/dev/null", which == 0 ? Libc.O_RDONLY : Libc.O_WRONLY);
            case LaunchStreamMode.File when shared is { } fd:
                return fd;
            case LaunchStreamMode.File:
                return OpenFile(stream.Path ?? throw new ArgumentException("a file stream needs a path"),
                    which == 0 ? Libc.O_RDONLY : Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC);
            case LaunchStreamMode.Capture when which == 0:
                throw new ArgumentException("standard input cannot be captured");
            case LaunchStreamMode.Capture:
                var fds = stackalloc int[2];
                if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
                    throw new TargetException(TargetFailureReason.LaunchFailed, null,
                        $"cannot make a pipe for the command's output: {SyscallException.FromLastError("pipe2").Message}", "too many open files: close some, or raise the limit (ulimit -n)");
                _captures.Add((fds[0], which == 2));
                return fds[1];
            default:
                throw new ArgumentOutOfRangeException(nameof(stream), stream.Mode, null);
        }
    }

    private static int OpenFile(string path, int flags)
    {
        var fd = Libc.OpenWithMode(path, flags | Libc.O_CLOEXEC, 0x1b6 /* 0666, less the umask */);
        if (fd >= 0)
            return fd;
        var errno = Libc.LastErrno;
        throw new TargetException(TargetFailureReason.LaunchFailed, null,
            $"cannot open '{path}' for the command's {((flags & Libc.O_WRONLY) != 0 ? "output" : "input")}: {Errno.GetDescription(errno)} ({Errno.GetName(errno)})",
            "check that the path exists and that its directory is writable") { Errno = errno };
    }

    /// <summary>Once the command runs (it has its own copies): closes the child's ends here, so that a
    /// captured pipe reaches end of file when the command and its children close theirs, and starts reading.</summary>
    public void Started(int processId)
    {
        CloseChildEnds();
        _pendingReaders = _captures.Count;
        if (_pendingReaders == 0)
            _lines.Writer.TryComplete();
        foreach (var (fd, isError) in _captures)
        {
            var reader = new Thread(() => ReadLines(fd, isError, processId)) { IsBackground = true, Name = "diag-launch-output" };
            _readers.Add(reader);
            reader.Start();
        }
    }

    /// <summary>After the trace: waits up to <paramref name="grace"/> for the captured streams to end (a
    /// command's children may still hold them open), then stops reading what is left.</summary>
    public void Finish(TimeSpan grace)
    {
        var deadline = DateTime.UtcNow + grace;
        foreach (var reader in _readers)
            reader.Join(Max(deadline - DateTime.UtcNow, TimeSpan.Zero));
        _stopReading = true;
        foreach (var reader in _readers)
            reader.Join();
        _lines.Writer.TryComplete();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void ReadLines(int fd, bool isError, int processId)
    {
        var buffer = new byte[8192];
        var pending = new List<byte>();
        try
        {
            while (true)
            {
                var poll = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
                var ready = Libc.Poll(&poll, 1, PollMilliseconds);
                if (ready == 0)
                {
                    if (_stopReading)
                        break;
                    continue;
                }
                if (ready < 0 && Libc.LastErrno == Errno.EINTR)
                    continue;
                nint n;
                fixed (byte* b = buffer)
                    n = Libc.Read(fd, b, (nuint)buffer.Length);
                if (n < 0 && Libc.LastErrno == Errno.EINTR)
                    continue;
                if (n <= 0)
                    break;
                var start = 0;
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != (byte)'\n')
                        continue;
                    pending.AddRange(new ReadOnlySpan<byte>(buffer, start, i - start));
                    Emit(pending, isError, processId);
                    start = i + 1;
                }
                pending.AddRange(new ReadOnlySpan<byte>(buffer, start, (int)n - start));
            }
            if (pending.Count > 0)
                Emit(pending, isError, processId);
        }
        finally
        {
            Libc.Close(fd);
            if (Interlocked.Decrement(ref _pendingReaders) == 0)
                _lines.Writer.TryComplete();
        }
    }

    private void Emit(List<byte> line, bool isError, int processId)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line);
        if (span.Length > 0 && span[^1] == (byte)'\r')
            span = span[..^1];
        _lines.Writer.TryWrite(new LaunchedOutputLine(processId, isError, Encoding.UTF8.GetString(span)));
        line.Clear();
    }

    private void CloseChildEnds()
    {
        for (var i = 0; i < _childFds.Length; i++)
        {
            var fd = _childFds[i];
            if (fd < 0)
                continue;
            // stderr may share stdout's file.
            if (Array.IndexOf(_childFds, fd) == i)
                Libc.Close(fd);
            _childFds[i] = -1;
        }
    }

    public void Dispose()
    {
        CloseChildEnds();
        if (_readers.Count == 0)
        {
            foreach (var (fd, _) in _captures)
                Libc.Close(fd);
            _captures.Clear();
            _lines.Writer.TryComplete();
        }
        else
        {
            _stopReading = true;
            foreach (var reader in _readers)
                reader.Join();
        }
    }
}
