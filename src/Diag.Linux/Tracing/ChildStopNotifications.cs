using Diag.Linux.Interop;

namespace Diag.Linux.Tracing;

/// <summary>
/// While a trace runs, asks the kernel not to send the host SIGCHLD for child <em>stops</em>
/// (SA_NOCLDSTOP on the host's own SIGCHLD handler, which is kept). Every ptrace stop of every tracee
/// otherwise raises SIGCHLD in the host; once the host has used System.Diagnostics.Process (PowerShell
/// has, as soon as it ran a native command) .NET handles each one on its signal thread, and that
/// extra wake-up per stop made a traced syscall loop twice as slow on 2 CPUs. Neither .NET nor
/// PowerShell acts on stop notifications (they wait for exits, which still raise SIGCHLD), and waitpid
/// still wakes the tracer. The flag is cleared when the last trace ends, unless the disposition was
/// changed meanwhile (then it is left alone).
/// </summary>
internal static unsafe class ChildStopNotifications
{
    private static readonly object Gate = new();
    private static int s_users;
    private static nint s_handlerWeChanged;

    public static void Suppress()
    {
        lock (Gate)
        {
            if (s_users++ > 0)
                return;
            Libc.SigAction current;
            if (Libc.SigActionCall(Libc.SIGCHLD, null, &current) != 0)
                return;
            // SIG_DFL (0) and SIG_IGN (1): the kernel sends nothing for stops anyway.
            if (current.Handler is 0 or 1 || (current.Flags & Libc.SA_NOCLDSTOP) != 0)
                return;
            current.Flags |= Libc.SA_NOCLDSTOP;
            if (Libc.SigActionCall(Libc.SIGCHLD, &current, null) == 0)
                s_handlerWeChanged = current.Handler;
        }
    }

    public static void Restore()
    {
        lock (Gate)
        {
            if (--s_users > 0 || s_handlerWeChanged == 0)
                return;
            var handler = s_handlerWeChanged;
            s_handlerWeChanged = 0;
            Libc.SigAction current;
            if (Libc.SigActionCall(Libc.SIGCHLD, null, &current) != 0 || current.Handler != handler)
                return;
            current.Flags &= ~Libc.SA_NOCLDSTOP;
            Libc.SigActionCall(Libc.SIGCHLD, &current, null);
        }
    }
}
