// Values generated from the x86_64 Linux UAPI headers in /usr/include (asm/signal.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Signal numbers and sigprocmask how.</summary>
internal static class SignalNames
{
    /// <summary>The standard signals 1..31.</summary>
    public static readonly ValueNames Standard = new(
        ("SIGHUP", 1),
        ("SIGINT", 2),
        ("SIGQUIT", 3),
        ("SIGILL", 4),
        ("SIGTRAP", 5),
        ("SIGABRT", 6),
        ("SIGBUS", 7),
        ("SIGFPE", 8),
        ("SIGKILL", 9),
        ("SIGUSR1", 10),
        ("SIGSEGV", 11),
        ("SIGUSR2", 12),
        ("SIGPIPE", 13),
        ("SIGALRM", 14),
        ("SIGTERM", 15),
        ("SIGSTKFLT", 16),
        ("SIGCHLD", 17),
        ("SIGCONT", 18),
        ("SIGSTOP", 19),
        ("SIGTSTP", 20),
        ("SIGTTIN", 21),
        ("SIGTTOU", 22),
        ("SIGURG", 23),
        ("SIGXCPU", 24),
        ("SIGXFSZ", 25),
        ("SIGVTALRM", 26),
        ("SIGPROF", 27),
        ("SIGWINCH", 28),
        ("SIGIO", 29),
        ("SIGPWR", 30),
        ("SIGSYS", 31));

    /// <summary>A signal's name: <c>SIGSEGV</c>, <c>SIGRTMIN+3</c>, or the number.</summary>
    public static string Name(int signal) =>
        Standard.TryGetName(signal, out var name) ? name
        : signal >= SIGRTMIN && signal <= 64 ? "SIGRTMIN+" + (signal - SIGRTMIN).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : signal.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first real-time signal as the kernel numbers it (glibc reserves the first few).</summary>
    public const int SIGRTMIN = 32;

    /// <summary>rt_sigprocmask how.</summary>
    public static readonly ValueNames MaskHow = new(
        ("SIG_BLOCK", 0),
        ("SIG_UNBLOCK", 1),
        ("SIG_SETMASK", 2));
}
