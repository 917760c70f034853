using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// poll/ppoll and select/pselect6 as strace prints them: what was asked at entry
/// (<c>[{fd=3, events=POLLIN}]</c>, <c>[3 5]</c>), and with the return value what became ready and
/// the time left: <c>1 ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=998000})</c>,
/// <c>1 (in [5], left {...})</c>, <c>0 (Timeout)</c>.
/// </summary>
internal static class PollFormatter
{
    private const int MaxElements = 32, PollFdSize = 8, MaxFds = 1024 * 1024;

    public static readonly FlagSet PollEvents = new("0",
        ("POLLIN", 0x1), ("POLLPRI", 0x2), ("POLLOUT", 0x4), ("POLLERR", 0x8), ("POLLHUP", 0x10),
        ("POLLNVAL", 0x20), ("POLLRDNORM", 0x40), ("POLLRDBAND", 0x80), ("POLLWRNORM", 0x100),
        ("POLLWRBAND", 0x200), ("POLLMSG", 0x400), ("POLLREMOVE", 0x1000), ("POLLRDHUP", 0x2000));

    public static string ReadPollFds(ITraceeMemory memory, ulong address, ulong count)
    {
        if (address == 0)
            return "NULL";
        if (count == 0)
            return "[]";
        var shown = (int)Math.Min(count, MaxElements);
        var bytes = new byte[shown * PollFdSize];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        var text = new StringBuilder("[");
        for (var i = 0; i < shown; i++)
        {
            if (i > 0)
                text.Append(", ");
            var fd = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * PollFdSize));
            var events = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * PollFdSize + 4));
            text.Append("{fd=").Append(fd.ToString(CultureInfo.InvariantCulture)).Append(", events=").Append(PollEvents.Format(events)).Append('}');
        }
        if (count > (ulong)shown)
            text.Append(", ...");
        return text.Append(']').ToString();
    }

    /// <summary>The entries with revents after the call: <c>[{fd=3, revents=POLLIN}]</c>.</summary>
    public static string? ReadReadyFds(ITraceeMemory memory, ulong address, ulong count)
    {
        var shown = (int)Math.Min(count, 4096);
        if (address == 0 || shown == 0)
            return null;
        var bytes = new byte[shown * PollFdSize];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return null;
        var text = new StringBuilder("[");
        var ready = 0;
        for (var i = 0; i < shown; i++)
        {
            var revents = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * PollFdSize + 6));
            if (revents == 0)
                continue;
            if (ready++ > 0)
                text.Append(", ");
            if (ready > MaxElements)
            {
                text.Append("...");
                break;
            }
            var fd = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * PollFdSize));
            text.Append("{fd=").Append(fd.ToString(CultureInfo.InvariantCulture)).Append(", revents=").Append(PollEvents.Format(revents)).Append('}');
        }
        return text.Append(']').ToString();
    }

    /// <summary>An fd_set of <paramref name="nfds"/> bits as the list of descriptors in it: <c>[3 5]</c>.</summary>
    public static string ReadFdSet(ITraceeMemory memory, ulong address, long nfds)
    {
        if (address == 0)
            return "NULL";
        if (nfds <= 0)
            return "[]";
        var bytes = new byte[(Math.Min(nfds, MaxFds) + 63) / 64 * 8];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        return FdList(bytes, nfds);
    }

    public static string FdList(ReadOnlySpan<byte> set, long nfds)
    {
        var text = new StringBuilder("[");
        var limit = Math.Min(nfds, (long)set.Length * 8);
        for (var fd = 0; fd < limit; fd++)
        {
            if ((set[fd / 8] & (1 << (fd % 8))) == 0)
                continue;
            if (text.Length > 1)
                text.Append(' ');
            text.Append(fd.ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    /// <summary>select/pselect6's result: <c>(in [3], out [4], left {...})</c> or <c>(Timeout)</c>.</summary>
    public static string? SelectResult(DecodeContext context, bool timespec)
    {
        var nfds = (long)(int)(uint)context.Arguments[0];
        if (context.ReturnValue == 0)
            return "Timeout";
        var parts = new List<string>(4);
        string[] names = ["in", "out", "except"];
        for (var i = 0; i < 3; i++)
        {
            var address = context.Arguments[i + 1];
            if (address == 0 || nfds <= 0)
                continue;
            var bytes = new byte[(Math.Min(nfds, MaxFds) + 63) / 64 * 8];
            if (!TraceeMemoryReads.TryRead(context.Memory, address, bytes))
                continue;
            var list = FdList(bytes, nfds);
            if (list != "[]")
                parts.Add(names[i] + " " + list);
        }
        if (context.Arguments[4] != 0)
            parts.Add("left " + (timespec ? TimeFormatter.ReadTimespec(context.Memory, context.Arguments[4]) : TimeFormatter.ReadTimeval(context.Memory, context.Arguments[4])));
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>poll/ppoll's result: <c>([{fd=3, revents=POLLIN}], left {...})</c> or <c>(Timeout)</c>.</summary>
    public static string? PollResult(DecodeContext context, bool hasTimeout)
    {
        if (context.ReturnValue == 0)
            return "Timeout";
        var parts = new List<string>(2);
        if (ReadReadyFds(context.Memory, context.Arguments[0], context.Arguments[1]) is { } ready)
            parts.Add(ready);
        if (hasTimeout && context.Arguments[2] != 0)
            parts.Add("left " + TimeFormatter.ReadTimespec(context.Memory, context.Arguments[2]));
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
