namespace Diag.Linux.MemoryStalls;

/// <summary>The per-thread stall programs cannot run here: no privilege for bpf(), a kernel without the tracepoints,
/// a PID namespace of its own. The watch goes on with what needs no programs; the message and remedy say what is missing.</summary>
internal sealed class StallTracingUnavailableException : Exception
{
    public StallTracingUnavailableException(string message, string remedy, bool accessDenied, Exception? inner = null)
        : base(message, inner)
    {
        Remedy = remedy;
        AccessDenied = accessDenied;
    }

    public string Remedy { get; }

    /// <summary>True when privileges are what is missing (else the kernel or the environment).</summary>
    public bool AccessDenied { get; }
}
