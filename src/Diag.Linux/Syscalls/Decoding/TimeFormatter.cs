using System.Buffers.Binary;
using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Time structures as strace prints them (x86_64 layouts, 64-bit fields): timespec
/// <c>{tv_sec=1, tv_nsec=0}</c>, timeval <c>{tv_sec=1, tv_usec=0}</c>, itimerval and itimerspec
/// <c>{it_interval=..., it_value=...}</c>, and utimensat's pair with UTIME_NOW / UTIME_OMIT and the date
/// as a comment.
/// </summary>
internal static class TimeFormatter
{
    public const int TimespecSize = 16;
    private const long UtimeNow = (1L << 30) - 1, UtimeOmit = (1L << 30) - 2;

    public static string Timespec(ReadOnlySpan<byte> bytes) =>
        FormattableString.Invariant($"{{tv_sec={BinaryPrimitives.ReadInt64LittleEndian(bytes)}, tv_nsec={BinaryPrimitives.ReadInt64LittleEndian(bytes[8..])}}}");

    public static string Timeval(ReadOnlySpan<byte> bytes) =>
        FormattableString.Invariant($"{{tv_sec={BinaryPrimitives.ReadInt64LittleEndian(bytes)}, tv_usec={BinaryPrimitives.ReadInt64LittleEndian(bytes[8..])}}}");

    public static string ReadTimespec(ITraceeMemory memory, ulong address) => Read(memory, address, TimespecSize, Timespec);

    public static string ReadTimeval(ITraceeMemory memory, ulong address) => Read(memory, address, 16, Timeval);

    public static string ReadItimerval(ITraceeMemory memory, ulong address) =>
        Read(memory, address, 32, b => $"{{it_interval={Timeval(b)}, it_value={Timeval(b[16..])}}}");

    public static string ReadItimerspec(ITraceeMemory memory, ulong address) =>
        Read(memory, address, 32, b => $"{{it_interval={Timespec(b)}, it_value={Timespec(b[16..])}}}");

    /// <summary>utimensat's <c>const struct timespec times[2]</c>: NULL means "now" for both.</summary>
    public static string ReadUtimensTimes(ITraceeMemory memory, ulong address) =>
        Read(memory, address, 2 * TimespecSize, b => $"[{UtimeSpec(b)}, {UtimeSpec(b[TimespecSize..])}]");

    private static string UtimeSpec(ReadOnlySpan<byte> bytes)
    {
        var seconds = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        if (nanoseconds == UtimeNow)
            return "UTIME_NOW";
        if (nanoseconds == UtimeOmit)
            return "UTIME_OMIT";
        var text = Timespec(bytes);
        return seconds == 0 && nanoseconds == 0 ? text : text + " /* " + Date(seconds, nanoseconds) + " */";
    }

    /// <summary>A time in seconds since the epoch as strace's comments show it: local time, ISO 8601,
    /// nanoseconds when there are any: <c>2024-05-01T10:00:00.000000500+0200</c>.</summary>
    public static string Date(long seconds, long nanoseconds)
    {
        DateTimeOffset utc;
        try
        {
            utc = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            return seconds.ToString(CultureInfo.InvariantCulture);
        }
        var local = TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.Local);
        var offset = local.Offset;
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (nanoseconds != 0)
            text += "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture);
        return text + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
    }

    private delegate string Formatter(ReadOnlySpan<byte> bytes);

    private static string Read(ITraceeMemory memory, ulong address, int size, Formatter format)
    {
        if (address == 0)
            return "NULL";
        Span<byte> bytes = stackalloc byte[size];
        return TraceeMemoryReads.TryRead(memory, address, bytes) ? format(bytes) : NumberText.Hex(address);
    }
}
