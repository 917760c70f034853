using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes;

/// <summary>A descriptor's open flags from /proc/PID/fdinfo/FD ("flags:\t0100001", octal).</summary>
internal static class DescriptorFlags
{
    public const int O_NONBLOCK = 0x800;

    /// <summary>The flags, or null when the descriptor or process is gone or not readable.</summary>
    public static int? TryRead(ProcFileReader reader, SafeFileDescriptor procFd, int pid, int fd)
    {
        Span<byte> leaf = stackalloc byte[24];
        "fdinfo/"u8.CopyTo(leaf);
        fd.TryFormat(leaf[7..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        if (reader.Read(procFd, pid, leaf[..(7 + digits)], out var content) != 0) return null;
        int at = content.IndexOf("flags:"u8);
        if (at < 0) return null;
        var text = content[(at + 6)..].TrimStart("\t "u8);
        int flags = 0, i = 0;
        for (; i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'7'; i++) flags = flags * 8 + (text[i] - '0');
        return i > 0 ? flags : null;
    }
}
