// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/eventpoll.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>epoll_ctl operations and epoll_create1 flags.</summary>
internal static class EpollConstants
{
    /// <summary>epoll_ctl op.</summary>
    public static readonly ValueNames Operations = new(
        ("EPOLL_CTL_ADD", 1),
        ("EPOLL_CTL_DEL", 2),
        ("EPOLL_CTL_MOD", 3));

    /// <summary>epoll_create1 flags.</summary>
    public static readonly FlagSet CreateFlags = new("0",
        ("EPOLL_CLOEXEC", 0x80000));
}
