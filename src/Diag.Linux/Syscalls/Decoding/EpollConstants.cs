// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/eventpoll.h, sys/epoll.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>epoll_ctl operations, epoll_create1 flags, and struct epoll_event (packed, 12 bytes on
/// x86_64) as strace prints it: <c>{events=EPOLLIN, data={u32=4, u64=4}}</c>.</summary>
internal static class EpollConstants
{
    private const int EventSize = 12, MaxElements = 32;

    /// <summary>epoll_ctl op.</summary>
    public static readonly ValueNames Operations = new(
        ("EPOLL_CTL_ADD", 1),
        ("EPOLL_CTL_DEL", 2),
        ("EPOLL_CTL_MOD", 3));

    public const int EPOLL_CTL_DEL = 2;

    /// <summary>epoll_create1 flags.</summary>
    public static readonly FlagSet CreateFlags = new("0",
        ("EPOLL_CLOEXEC", 0x80000));

    public static readonly FlagSet Events = new("0",
        ("EPOLLIN", 0x1), ("EPOLLPRI", 0x2), ("EPOLLOUT", 0x4), ("EPOLLERR", 0x8), ("EPOLLHUP", 0x10),
        ("EPOLLNVAL", 0x20), ("EPOLLRDNORM", 0x40), ("EPOLLRDBAND", 0x80), ("EPOLLWRNORM", 0x100),
        ("EPOLLWRBAND", 0x200), ("EPOLLMSG", 0x400), ("EPOLLRDHUP", 0x2000), ("EPOLLEXCLUSIVE", 0x10000000),
        ("EPOLLWAKEUP", 0x20000000), ("EPOLLONESHOT", 0x40000000), ("EPOLLET", 0x80000000));

    public static string ReadEvent(ITraceeMemory memory, ulong address)
    {
        Span<byte> e = stackalloc byte[EventSize];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, e))
            return NumberText.Pointer(address);
        return Event(e);
    }

    /// <summary>The <paramref name="count"/> events epoll_wait filled in: <c>[{events=EPOLLIN, data=...}]</c>.</summary>
    public static string ReadEvents(ITraceeMemory memory, ulong address, long count)
    {
        if (count <= 0)
            return count == 0 ? "[]" : NumberText.Pointer(address);
        var shown = (int)Math.Min(count, MaxElements);
        var bytes = new byte[shown * EventSize];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Pointer(address);
        var text = new StringBuilder("[");
        for (var i = 0; i < shown; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(Event(bytes.AsSpan(i * EventSize, EventSize)));
        }
        if (count > shown)
            text.Append(", ...");
        return text.Append(']').ToString();
    }

    private static string Event(ReadOnlySpan<byte> e)
    {
        var data = BinaryPrimitives.ReadUInt64LittleEndian(e[4..]);
        return "{events=" + Events.Format(BinaryPrimitives.ReadUInt32LittleEndian(e))
            + ", data={u32=" + ((uint)data).ToString(CultureInfo.InvariantCulture)
            + ", u64=" + data.ToString(CultureInfo.InvariantCulture) + "}}";
    }
}
