using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>NULL-terminated char* arrays: execve's argv as <c>["ls", "-l"]</c> and envp as a count.</summary>
internal static class StringArrayFormatter
{
    /// <summary>argv entries shown before "...".</summary>
    public const int MaxEntries = 32;

    /// <summary>Environment entries counted before giving up (ARG_MAX bounds real ones far below this).</summary>
    private const int MaxCounted = 65536;

    public static string ReadArgv(ITraceeMemory memory, ulong address)
    {
        if (address == 0)
            return "NULL";
        var text = new StringBuilder("[");
        for (var i = 0; ; i++)
        {
            if (!TraceeMemoryReads.TryReadUInt64(memory, address + (ulong)i * 8, out var entry))
                return i == 0 ? NumberText.Hex(address) : text.Append(", ...]").ToString();
            if (entry == 0)
                break;
            if (i == MaxEntries)
            {
                text.Append(", ...");
                break;
            }
            if (i > 0)
                text.Append(", ");
            text.Append(StringArgumentReader.ReadCString(memory, entry, StringArgumentReader.DefaultLimit));
        }
        return text.Append(']').ToString();
    }

    /// <summary>strace's abbreviated environment: <c>0x7ffc12345678 /* 23 vars */</c>.</summary>
    public static string ReadEnvp(ITraceeMemory memory, ulong address)
    {
        if (address == 0)
            return "NULL";
        // Pointers are read a batch at a time: one tracee read per 64 variables, not per variable.
        Span<byte> batch = stackalloc byte[64 * 8];
        var count = 0;
        while (count < MaxCounted)
        {
            var got = TraceeMemoryReads.ReadAvailable(memory, address + (ulong)count * 8, batch) / 8;
            if (got == 0)
                return NumberText.Hex(address);
            for (var i = 0; i < got; i++)
            {
                if (BinaryPrimitives.ReadUInt64LittleEndian(batch[(i * 8)..]) == 0)
                    return Counted(address, count);
                count++;
            }
        }
        return Counted(address, count);
    }

    private static string Counted(ulong address, int count) =>
        NumberText.Hex(address) + " /* " + count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " var */" : " vars */");
}
