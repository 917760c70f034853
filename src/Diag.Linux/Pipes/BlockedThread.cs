using System.Globalization;

namespace Diag.Linux.Pipes;

/// <summary>A thread blocked in a system call that reads or writes a pipe or socket, as its
/// <c>/proc/PID/task/TID/syscall</c> line shows (no ptrace).</summary>
public sealed class BlockedThread
{
    /// <summary>The thread's process.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>Its process name.</summary>
    public string ProcessName { get; internal init; } = "";

    /// <summary>The thread.</summary>
    public int ThreadId { get; internal init; }

    /// <summary>The thread's name (comm).</summary>
    public string ThreadName { get; internal init; } = "";

    /// <summary>The descriptor the call is on (its argument).</summary>
    public int FileDescriptor { get; internal init; }

    /// <summary>The call: read, write, readv, writev, recvmsg, sendmsg, splice...</summary>
    public string Syscall { get; internal init; } = "";

    /// <summary>Read when waiting for data, Write when waiting for room.</summary>
    public string Direction => DirectionValue.ToString();

    internal EndpointAccess DirectionValue { get; init; }

    /// <summary>The kernel function it sleeps in (<c>wchan</c>, e.g. pipe_write, or anon_pipe_write since Linux 6.x),
    /// which corroborates the call. A thread only preempted inside the call has none and is not listed.</summary>
    public string WaitChannel { get; internal init; } = "";

    /// <summary>"2509 write(1)", or "2509/2511 read(0)" for a thread other than the main one.</summary>
    public override string ToString() => ThreadId == ProcessId
        ? string.Create(CultureInfo.InvariantCulture, $"{ProcessId} {Syscall}({FileDescriptor})")
        : string.Create(CultureInfo.InvariantCulture, $"{ProcessId}/{ThreadId} {Syscall}({FileDescriptor})");
}
