using System.Buffers.Text;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.KernelLog;

/// <summary>
/// Reads the kernel log from /dev/kmsg, as <c>dmesg</c> does: every record still in the ring buffer, oldest first,
/// without waiting for new ones. Needs root where <c>kernel.dmesg_restrict</c> is 1 (the usual default).
/// </summary>
internal static unsafe class KernelMessageReader
{
    // A record is at most 8 KiB (PRINTK_MESSAGE_MAX plus its prefix); a smaller buffer makes read fail with EINVAL.
    private const int RecordSize = 8192 + 256;

    /// <summary>Reads every record whose text passes <paramref name="keep"/>; returns 0 or the errno of opening
    /// /dev/kmsg (EPERM/EACCES: dmesg_restrict). <paramref name="firstSequence"/> is the oldest record still held (0
    /// when the buffer has not wrapped since boot) and <paramref name="firstTime"/> its time, so a caller can say whether
    /// "since boot" is complete.</summary>
    public static int TryRead(Func<string, bool> keep, List<KernelMessage> into, out ulong firstSequence, out TimeSpan firstTime, CancellationToken cancel = default)
    {
        firstSequence = 0;
        firstTime = default;
        using var fd = Libc.OpenHandle("/dev/kmsg", Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd.IsInvalid) return Libc.LastErrno;
        var buffer = GC.AllocateUninitializedArray<byte>(RecordSize, pinned: true);
        bool first = true;
        fixed (byte* b = buffer)
        {
            while (!cancel.IsCancellationRequested)
            {
                // One read, one record. EPIPE: the record about to be read was overwritten; the next read goes on.
                nint n = Libc.Read(fd.Value, b, RecordSize);
                if (n < 0)
                {
                    int errno = Libc.LastErrno;
                    if (errno is Errno.EINTR or Errno.EPIPE) continue;
                    return errno == Errno.EAGAIN ? 0 : errno;
                }
                if (n == 0) return 0;
                if (!TryParse(new ReadOnlySpan<byte>(b, (int)n), out var sequence, out int priority, out var sinceBoot, out var text)) continue;
                if (first)
                {
                    firstSequence = sequence;
                    firstTime = sinceBoot;
                    first = false;
                }
                if (text.Length > 0 && KeepText(text, keep, out string message))
                    into.Add(new KernelMessage(sequence, priority, sinceBoot, message));
            }
        }
        return Errno.ECANCELED;
    }

    private static bool KeepText(ReadOnlySpan<byte> text, Func<string, bool> keep, out string message)
    {
        message = Encoding.UTF8.GetString(text);
        return keep(message);
    }

    /// <summary>Parses "prio,seq,usec,flags[,…];text\n[ KEY=value\n]…": the level is the low 3 bits of prio.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> record, out ulong sequence, out int priority, out TimeSpan sinceBoot, out ReadOnlySpan<byte> text)
    {
        sequence = 0; priority = 0; sinceBoot = default; text = default;
        int semicolon = record.IndexOf((byte)';');
        if (semicolon < 0) return false;
        var prefix = record[..semicolon];
        if (!Utf8Parser.TryParse(prefix, out int facilityAndLevel, out int used) || used >= prefix.Length || prefix[used] != (byte)',') return false;
        prefix = prefix[(used + 1)..];
        if (!Utf8Parser.TryParse(prefix, out sequence, out used) || used >= prefix.Length || prefix[used] != (byte)',') return false;
        prefix = prefix[(used + 1)..];
        if (!Utf8Parser.TryParse(prefix, out ulong microseconds, out _)) return false;
        priority = facilityAndLevel & 7;
        sinceBoot = TimeSpan.FromTicks((long)Math.Min(microseconds, (ulong)(long.MaxValue / 10)) * 10);
        text = record[(semicolon + 1)..];
        int newline = text.IndexOf((byte)'\n');
        if (newline >= 0) text = text[..newline];
        return true;
    }
}
