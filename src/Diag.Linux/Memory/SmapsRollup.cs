using Diag.Linux.ProcFs;

namespace Diag.Linux.Memory;

/// <summary>The totals of /proc/PID/smaps_rollup (Linux 4.14): the kernel's own sums over every mapping, in bytes,
/// including the split of PSS into anonymous, file and shared memory that per-mapping lines do not give.</summary>
internal readonly record struct SmapsRollup(long Rss, long Pss, long PssAnon, long PssFile, long PssShmem, long Swap, long SwapPss, long Locked)
{
    /// <summary>Parses the file's "Key:   123 kB" lines (the header line is skipped).</summary>
    public static SmapsRollup Parse(ReadOnlySpan<byte> content)
    {
        long rss = 0, pss = 0, anon = 0, file = 0, shmem = 0, swap = 0, swapPss = 0, locked = 0;
        while (!content.IsEmpty)
        {
            int eol = content.IndexOf((byte)'\n');
            var line = eol < 0 ? content : content[..eol];
            content = eol < 0 ? default : content[(eol + 1)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is < (byte)'A' or > (byte)'Z') continue;
            var key = line[..colon];
            var value = line[(colon + 1)..].TrimStart(" "u8);
            ProcNumber.Parse(value, out long kb);
            long bytes = kb * 1024;
            if (key.SequenceEqual("Rss"u8)) rss = bytes;
            else if (key.SequenceEqual("Pss"u8)) pss = bytes;
            else if (key.SequenceEqual("Pss_Anon"u8)) anon = bytes;
            else if (key.SequenceEqual("Pss_File"u8)) file = bytes;
            else if (key.SequenceEqual("Pss_Shmem"u8)) shmem = bytes;
            else if (key.SequenceEqual("Swap"u8)) swap = bytes;
            else if (key.SequenceEqual("SwapPss"u8)) swapPss = bytes;
            else if (key.SequenceEqual("Locked"u8)) locked = bytes;
        }
        return new SmapsRollup(rss, pss, anon, file, shmem, swap, swapPss, locked);
    }
}
