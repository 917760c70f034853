using Diag.Linux.Ptrace;
using Diag.Linux.Tracing.Kernel;

namespace Diag.Linux.Tracing;

/// <summary>A started trace and why its backend was chosen.</summary>
public sealed class StartedTrace
{
    internal StartedTrace(ISyscallTraceSession session, TraceBackend backend, string reason)
    {
        Session = session;
        Backend = backend;
        Reason = reason;
    }

    /// <summary>The running trace.</summary>
    public ISyscallTraceSession Session { get; }

    /// <summary>Ptrace or Kernel, never Auto.</summary>
    public TraceBackend Backend { get; }

    /// <summary>One line, e.g. "kernel: root and raw tracepoints available" or
    /// "ptrace: events need the tracee's memory"; for a verbose message.</summary>
    public string Reason { get; }

    public override string ToString() => Reason;
}

/// <summary>
/// Starts a syscall trace with the backend asked for, or with Auto the best one that works here: the kernel
/// for summaries (no stops of the target) when the kernel and the privileges allow it, ptrace for events and
/// wherever the kernel backend cannot start.
/// </summary>
public static class SyscallTraceBackends
{
    /// <summary>
    /// Starts the trace. Kernel and Ptrace start that backend or throw its <see cref="TargetException"/>.
    /// Auto tries the kernel first unless the request needs ptrace (events), and falls back to ptrace when
    /// the kernel backend is denied or unsupported (the reason says why); a target that does not exist or a
    /// command that cannot start fails at once, as either backend would.
    /// </summary>
    public static StartedTrace Start(TraceTarget target, TraceOptions options, TraceBackend requested = TraceBackend.Auto)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        switch (requested)
        {
            case TraceBackend.Ptrace:
                return new StartedTrace(PtraceSyscallTracer.Start(target, options), TraceBackend.Ptrace, "ptrace: asked for");
            case TraceBackend.Kernel:
                return new StartedTrace(KernelSyscallTracer.Start(target, options, measureTime: !options.CountOnly), TraceBackend.Kernel,
                    "kernel: asked for" + (options.CountOnly ? "; counting only, no clock" : ""));
        }

        if (options.CollectEvents)
            return Ptrace(target, options, "events need the tracee's memory to decode arguments");
        ISyscallTraceSession kernel;
        try
        {
            kernel = KernelSyscallTracer.Start(target, options, measureTime: !options.CountOnly);
        }
        catch (TargetException e) when (e.Reason is TargetFailureReason.AccessDenied or TargetFailureReason.Unsupported)
        {
            return Ptrace(target, options, "the kernel backend is not available: " + FirstLine(e.Message));
        }
        return new StartedTrace(kernel, TraceBackend.Kernel, $"kernel: {KernelTraceSupport.PrivilegeDescription()} and raw tracepoints available" +
            (options.CountOnly ? "; counting only, no clock" : ""));
    }

    private static StartedTrace Ptrace(TraceTarget target, TraceOptions options, string why) =>
        new(PtraceSyscallTracer.Start(target, options), TraceBackend.Ptrace, "ptrace: " + why);

    private static string FirstLine(string text) => text.Split('\n')[0];
}
