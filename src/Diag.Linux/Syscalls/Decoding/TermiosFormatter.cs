using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// struct termios and struct winsize as strace prints them by default:
/// <c>{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD,
/// c_lflag=ISIG|ICANON|ECHO|..., ...}</c> and <c>{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}</c>.
/// Values from asm-generic/termbits.h.
/// </summary>
internal static class TermiosFormatter
{
    private static readonly FlagSet InputFlags = new("0",
        ("IGNBRK", 0x1), ("BRKINT", 0x2), ("IGNPAR", 0x4), ("PARMRK", 0x8), ("INPCK", 0x10), ("ISTRIP", 0x20),
        ("INLCR", 0x40), ("IGNCR", 0x80), ("ICRNL", 0x100), ("IUCLC", 0x200), ("IXON", 0x400), ("IXANY", 0x800),
        ("IXOFF", 0x1000), ("IMAXBEL", 0x2000), ("IUTF8", 0x4000));

    private static readonly FlagSet OutputFlags = new("0",
        ("OPOST", 0x1), ("OLCUC", 0x2), ("ONLCR", 0x4), ("OCRNL", 0x8), ("ONOCR", 0x10), ("ONLRET", 0x20),
        ("OFILL", 0x40), ("OFDEL", 0x80));

    private static readonly FlagSet ControlFlags = new("0",
        ("CSTOPB", 0x40), ("CREAD", 0x80), ("PARENB", 0x100), ("PARODD", 0x200), ("HUPCL", 0x400),
        ("CLOCAL", 0x800), ("CMSPAR", 0x40000000), ("CRTSCTS", 0x80000000));

    private static readonly FlagSet LocalFlags = new("0",
        ("ISIG", 0x1), ("ICANON", 0x2), ("XCASE", 0x4), ("ECHO", 0x8), ("ECHOE", 0x10), ("ECHOK", 0x20),
        ("ECHONL", 0x40), ("NOFLSH", 0x80), ("IEXTEN", 0x8000), ("ECHOCTL", 0x200), ("ECHOPRT", 0x400),
        ("ECHOKE", 0x800), ("FLUSHO", 0x1000), ("PENDIN", 0x4000), ("TOSTOP", 0x100), ("EXTPROC", 0x10000));

    private static readonly ValueNames Bauds = new(
        ("B0", 0), ("B50", 1), ("B75", 2), ("B110", 3), ("B134", 4), ("B150", 5), ("B200", 6), ("B300", 7),
        ("B600", 8), ("B1200", 9), ("B1800", 0xa), ("B2400", 0xb), ("B4800", 0xc), ("B9600", 0xd),
        ("B19200", 0xe), ("B38400", 0xf), ("BOTHER", 0x1000), ("B57600", 0x1001), ("B115200", 0x1002),
        ("B230400", 0x1003), ("B460800", 0x1004), ("B500000", 0x1005), ("B576000", 0x1006),
        ("B921600", 0x1007), ("B1000000", 0x1008), ("B1152000", 0x1009), ("B1500000", 0x100a),
        ("B2000000", 0x100b), ("B2500000", 0x100c), ("B3000000", 0x100d), ("B3500000", 0x100e),
        ("B4000000", 0x100f));

    /// <summary>The output delay fields: mask and the name of each value, printed before the flags.</summary>
    private static readonly (uint Mask, string[] Names, int Shift)[] OutputDelays =
    [
        (0x100, ["NL0", "NL1"], 8),
        (0x600, ["CR0", "CR1", "CR2", "CR3"], 9),
        (0x1800, ["TAB0", "TAB1", "TAB2", "TAB3"], 11),
        (0x2000, ["BS0", "BS1"], 13),
        (0x4000, ["VT0", "VT1"], 14),
        (0x8000, ["FF0", "FF1"], 15),
    ];

    public static string ReadTermios(ITraceeMemory memory, ulong address)
    {
        Span<byte> t = stackalloc byte[16];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, t))
            return NumberText.Pointer(address);
        var iflag = BinaryPrimitives.ReadUInt32LittleEndian(t);
        var oflag = BinaryPrimitives.ReadUInt32LittleEndian(t[4..]);
        var cflag = BinaryPrimitives.ReadUInt32LittleEndian(t[8..]);
        var lflag = BinaryPrimitives.ReadUInt32LittleEndian(t[12..]);
        return "{c_iflag=" + InputFlags.Format(iflag) + ", c_oflag=" + Output(oflag)
            + ", c_cflag=" + Control(cflag) + ", c_lflag=" + LocalFlags.Format(lflag) + ", ...}";
    }

    private static string Output(uint oflag)
    {
        var text = new StringBuilder();
        var rest = oflag;
        foreach (var (mask, names, shift) in OutputDelays)
        {
            text.Append(names[(oflag & mask) >> shift]).Append('|');
            rest &= ~mask;
        }
        return rest == 0 ? text.ToString(0, text.Length - 1) : text.Append(OutputFlags.Format(rest)).ToString();
    }

    private static string Control(uint cflag)
    {
        const uint BaudMask = 0x100f, SizeMask = 0x30;
        var text = new StringBuilder(Bauds.Format(cflag & BaudMask))
            .Append("|CS").Append((5 + ((cflag & SizeMask) >> 4)).ToString(CultureInfo.InvariantCulture));
        var rest = cflag & ~(BaudMask | SizeMask);
        return rest == 0 ? text.ToString() : text.Append('|').Append(ControlFlags.Format(rest)).ToString();
    }

    public static string ReadWinsize(ITraceeMemory memory, ulong address)
    {
        Span<byte> w = stackalloc byte[8];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, w))
            return NumberText.Pointer(address);
        return FormattableString.Invariant(
            $"{{ws_row={BinaryPrimitives.ReadUInt16LittleEndian(w)}, ws_col={BinaryPrimitives.ReadUInt16LittleEndian(w[2..])}, ws_xpixel={BinaryPrimitives.ReadUInt16LittleEndian(w[4..])}, ws_ypixel={BinaryPrimitives.ReadUInt16LittleEndian(w[6..])}}}");
    }
}
