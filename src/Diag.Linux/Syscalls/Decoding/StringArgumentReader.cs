namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Reads strings and buffers from tracee memory and prints them strace-style.</summary>
internal static class StringArgumentReader
{
    /// <summary>strace's default <c>-s 32</c>: longer strings and buffers are cut with "...".</summary>
    public const int DefaultLimit = 32;

    /// <summary>Paths are printed whole, as strace does; PATH_MAX bounds them.</summary>
    public const int PathLimit = 4096;

    private const int ChunkSize = 256;

    /// <summary>A NUL-terminated string: <c>"text"</c>, <c>"text"...</c> when longer than
    /// <paramref name="limit"/>, NULL for 0, the address in hex when unreadable.</summary>
    public static string ReadCString(ITraceeMemory memory, ulong address, int limit)
    {
        if (address == 0)
            return "NULL";
        var collected = new List<byte>(Math.Min(limit + 1, ChunkSize));
        Span<byte> chunk = stackalloc byte[ChunkSize];
        var at = address;
        while (collected.Count <= limit)
        {
            var got = TraceeMemoryReads.ReadAvailable(memory, at, chunk[..Math.Min(ChunkSize, limit + 1 - collected.Count)]);
            if (got == 0)
                // Unreadable from the start: the address is all we can show. Unreadable later: the
                // string ran into an unmapped page, show what was there.
                return collected.Count == 0 ? NumberText.Hex(address) : StringEscaper.Quote(collected.ToArray(), truncated: true);
            var terminator = chunk[..got].IndexOf((byte)0);
            if (terminator >= 0)
            {
                for (var i = 0; i < terminator; i++) collected.Add(chunk[i]);
                return Finish(collected, limit);
            }
            for (var i = 0; i < got; i++) collected.Add(chunk[i]);
            at += (ulong)got;
        }
        return Finish(collected, limit);
    }

    /// <summary>A counted buffer: the first <paramref name="limit"/> of <paramref name="length"/> bytes,
    /// quoted; every byte as \xNN with <paramref name="forceHex"/> (random bytes, as strace shows getrandom's).</summary>
    public static string ReadBuffer(ITraceeMemory memory, ulong address, ulong length, int limit = DefaultLimit, bool forceHex = false)
    {
        if (address == 0)
            return "NULL";
        var shown = (int)Math.Min(length, (ulong)limit);
        var bytes = new byte[shown];
        if (shown > 0 && TraceeMemoryReads.ReadAvailable(memory, address, bytes) != shown)
            return NumberText.Hex(address);
        return forceHex
            ? StringEscaper.QuoteHex(bytes, truncated: length > (ulong)limit)
            : StringEscaper.Quote(bytes, truncated: length > (ulong)limit);
    }

    private static string Finish(List<byte> collected, int limit)
    {
        var truncated = collected.Count > limit;
        var bytes = truncated ? collected.GetRange(0, limit).ToArray() : collected.ToArray();
        return StringEscaper.Quote(bytes, truncated);
    }
}
