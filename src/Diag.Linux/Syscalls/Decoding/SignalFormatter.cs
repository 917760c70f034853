using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Signal numbers and sigsets as strace prints them: SIGUSR1, SIGRTMIN, SIGRT_2, [INT TERM].</summary>
internal static class SignalFormatter
{
    private const int KernelSigsetBits = 64;

    public static string Name(long signal)
    {
        if (signal == 0)
            return "0";
        if (SignalNames.Standard.TryGetName(signal, out var name))
            return name;
        // Named from the kernel's SIGRTMIN (32), as strace does; glibc's SIGRTMIN is higher.
        if (signal == SignalNames.SIGRTMIN)
            return "SIGRTMIN";
        if (signal > SignalNames.SIGRTMIN && signal <= KernelSigsetBits)
            return "SIGRT_" + (signal - SignalNames.SIGRTMIN).ToString(CultureInfo.InvariantCulture);
        return signal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A kernel sigset (64 bits, bit N-1 = signal N); strace prints the complement with ~ when
    /// more than half the signals are in it.</summary>
    public static string Read(ITraceeMemory memory, ulong address)
    {
        if (address == 0)
            return "NULL";
        Span<byte> bytes = stackalloc byte[8];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        return FormatSet(BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    public static string FormatSet(ulong set)
    {
        var complement = ulong.PopCount(set) > KernelSigsetBits / 2;
        var shown = complement ? ~set : set;
        var text = new StringBuilder(complement ? "~[" : "[");
        for (var signal = 1; signal <= KernelSigsetBits; signal++)
        {
            if ((shown & (1UL << (signal - 1))) == 0)
                continue;
            if (text[^1] != '[')
                text.Append(' ');
            var name = Name(signal);
            text.Append(name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name);
        }
        return text.Append(']').ToString();
    }
}
