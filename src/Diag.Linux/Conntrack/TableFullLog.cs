using System.Buffers.Text;
using System.Text;
using Diag.Linux.KernelLog;

namespace Diag.Linux.Conntrack;

/// <summary>
/// The kernel log's "nf_conntrack: table full, dropping packet" lines still in the ring buffer, by namespace: Linux
/// 6.x writes "table full in netns N"; older kernels name none, and such lines may belong to any namespace. The
/// kernel rate-limits these lines (net_ratelimit: 10 per 5 s), so they show that and when drops happened, not how many.
/// </summary>
internal sealed class TableFullLog
{
    private const string Marker = "nf_conntrack: table full";
    private const string NetnsMarker = " in netns ";

    internal TableFullLog(List<ConntrackLogMessage> messages, int errno, DateTime? bufferStart)
    {
        Messages = messages;
        Errno = errno;
        BufferStart = bufferStart;
    }

    /// <summary>0, or why the log could not be read (EPERM/EACCES: kernel.dmesg_restrict and no root).</summary>
    public int Errno { get; }

    /// <summary>When the oldest record still in the ring buffer was logged, when the buffer has wrapped since boot
    /// (older lines are gone); null when it still holds everything since boot.</summary>
    public DateTime? BufferStart { get; }

    public IReadOnlyList<ConntrackLogMessage> Messages { get; }

    /// <summary>The lines that name <paramref name="inode"/>.</summary>
    public IEnumerable<ConntrackLogMessage> Of(ulong inode) => Messages.Where(m => m.NetworkNamespace == inode);

    /// <summary>The lines that name no namespace (older kernels).</summary>
    public IEnumerable<ConntrackLogMessage> Unattributed => Messages.Where(m => m.NetworkNamespace is null);

    public static TableFullLog Read(CancellationToken cancel)
    {
        var records = new List<KernelMessage>();
        int errno = KernelMessageReader.TryRead(text => text.Contains(Marker, StringComparison.Ordinal), records, out ulong first, out TimeSpan firstTime, cancel);
        var messages = records.Select(r => new ConntrackLogMessage(KernelLogClock.ToLocalTime(r.SinceBoot), r.SinceBoot, NamespaceOf(r.Text), r.Text)).ToList();
        return new TableFullLog(messages, errno, errno == 0 && first > 0 ? KernelLogClock.ToLocalTime(firstTime) : null);
    }

    /// <summary>The N of "table full in netns N," or null.</summary>
    internal static ulong? NamespaceOf(string text)
    {
        int at = text.IndexOf(NetnsMarker, StringComparison.Ordinal);
        if (at < 0) return null;
        var digits = Encoding.ASCII.GetBytes(text[(at + NetnsMarker.Length)..]);
        return Utf8Parser.TryParse(digits, out ulong inode, out int used) && used > 0 ? inode : null;
    }
}
