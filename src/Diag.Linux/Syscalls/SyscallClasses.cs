namespace Diag.Linux.Syscalls;

/// <summary>
/// strace's trace classes (<c>-e trace=%file</c> and friends), with strace's meanings:
/// File = takes a file name argument, Descriptor = takes or returns a file descriptor, and so on.
/// A syscall may belong to several classes.
/// </summary>
[Flags]
public enum SyscallClasses
{
    /// <summary>In no class.</summary>
    None = 0,
    /// <summary>Takes a file name argument (strace TRACE_FILE, <c>%file</c>).</summary>
    File = 1,
    /// <summary>Network related (TRACE_NETWORK, <c>%network</c>, <c>%net</c>).</summary>
    Network = 2,
    /// <summary>Memory mapping related (TRACE_MEMORY, <c>%memory</c>).</summary>
    Memory = 4,
    /// <summary>Process management (TRACE_PROCESS, <c>%process</c>).</summary>
    Process = 8,
    /// <summary>Signal related (TRACE_SIGNAL, <c>%signal</c>).</summary>
    Signal = 16,
    /// <summary>System V IPC (TRACE_IPC, <c>%ipc</c>).</summary>
    Ipc = 32,
    /// <summary>Takes or returns a file descriptor (TRACE_DESC, <c>%desc</c>).</summary>
    Descriptor = 64,
    /// <summary>Reads or changes clocks (TRACE_CLOCK, <c>%clock</c>).</summary>
    Clock = 128,
    /// <summary>Reads or changes user/group credentials (TRACE_CREDS, <c>%creds</c>).</summary>
    Credentials = 256,
}
