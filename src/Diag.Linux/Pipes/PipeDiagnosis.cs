namespace Diag.Linux.Pipes;

/// <summary>What is wrong with an endpoint, if anything; <see cref="PipeEndpoint.Message"/> says it in words.</summary>
public enum PipeDiagnosis
{
    /// <summary>Both ends are held by someone and data can flow.</summary>
    Ok,

    /// <summary>Every reader of a pipe the process writes is the process itself (a read end leaked into it,
    /// as supervisord's children got theirs): once the buffer is full, its writes block forever.</summary>
    SelfLoop,

    /// <summary>Nobody holds a read end: the next write fails with EPIPE (and SIGPIPE).</summary>
    NoReader,

    /// <summary>Nobody holds a write end: reads return what is buffered, then end of file.</summary>
    NoWriter,

    /// <summary>The buffer is full (or a writer is blocked on it): writes wait for the reader. For a listening
    /// socket, the queue of connections waiting for accept() is full.</summary>
    Full,

    /// <summary>A Unix socket whose other end was closed: reads return end of file, writes fail with EPIPE.</summary>
    PeerClosed,
}
