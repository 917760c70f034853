using System.Reflection;
using System.Runtime.CompilerServices;
using Diag.Linux.Syscalls.Decoding;

namespace Diag.Linux.Tracing;

// Compiling the tracer before it stops anything.
internal sealed partial class PtraceEngine
{
    private static int s_compiled;
    private static int s_compiledEvents;

    /// <summary>
    /// JIT-compiles the tracer loop (and with events the decoders), once per process, before the first
    /// tracee is stopped. A stopped thread cannot take its signals: one held at its attach stop or at a
    /// call while the JIT compiles the code that restarts it lets a second standard signal of a kind
    /// arrive and merge with the first (the first trace of a session lost 1 or 2 of 50 SIGUSR1 sent 20 ms
    /// apart, the later ones none).
    /// </summary>
    private static void WarmUp(bool events)
    {
        if (Interlocked.Exchange(ref s_compiled, 1) == 0)
        {
            foreach (var type in new[] { typeof(PtraceEngine), typeof(Tracee), typeof(TraceeMemory), typeof(SyscallCounters), typeof(PtraceTraceSession) })
                foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    if (!method.IsAbstract && !method.ContainsGenericParameters)
                        RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
        if (events && Interlocked.Exchange(ref s_compiledEvents, 1) == 0)
        {
            try
            {
                DecoderWarmup.EnsureCompiled();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A decoder that fails here fails again on a real call, where the trace shows the raw
                // registers and warns once; the trace itself must still start.
            }
        }
    }
}
