// Values generated from the x86_64 Linux UAPI headers in /usr/include (asm-generic/ioctls.h,
// linux/sockios.h, linux/fs.h) with a C program printing each macro, so they are the compiler's
// values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>ioctl request numbers by name, and what each does with its third argument.</summary>
internal static class IoctlRequests
{
    public const uint TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
        TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;

    /// <summary>How a request uses its argument.</summary>
    public enum Use
    {
        /// <summary>The argument is shown as given (an address or a number, in hex).</summary>
        Raw,
        /// <summary>No argument: strace leaves it out.</summary>
        None,
        /// <summary>An int value passed directly.</summary>
        IntValue,
        /// <summary>An int* the caller fills.</summary>
        IntIn,
        /// <summary>An int* the kernel fills.</summary>
        IntOut,
        /// <summary>A struct termios* the kernel fills.</summary>
        TermiosOut,
        /// <summary>A struct termios* the caller fills.</summary>
        TermiosIn,
        /// <summary>A struct winsize* the kernel fills.</summary>
        WinsizeOut,
        /// <summary>A struct winsize* the caller fills.</summary>
        WinsizeIn,
    }

    public static readonly ValueNames Names = new(
        ("TCGETS", 0x5401), ("TCSETS", 0x5402), ("TCSETSW", 0x5403), ("TCSETSF", 0x5404),
        ("TCGETA", 0x5405), ("TCSETA", 0x5406), ("TCSETAW", 0x5407), ("TCSETAF", 0x5408),
        ("TCSBRK", 0x5409), ("TCXONC", 0x540a), ("TCFLSH", 0x540b), ("TIOCEXCL", 0x540c),
        ("TIOCNXCL", 0x540d), ("TIOCSCTTY", 0x540e), ("TIOCGPGRP", 0x540f), ("TIOCSPGRP", 0x5410),
        ("TIOCOUTQ", 0x5411), ("TIOCSTI", 0x5412), ("TIOCGWINSZ", 0x5413), ("TIOCSWINSZ", 0x5414),
        ("TIOCMGET", 0x5415), ("TIOCMBIS", 0x5416), ("TIOCMBIC", 0x5417), ("TIOCMSET", 0x5418),
        ("FIONREAD", 0x541b), ("TIOCLINUX", 0x541c), ("TIOCCONS", 0x541d), ("TIOCPKT", 0x5420),
        ("FIONBIO", 0x5421), ("TIOCNOTTY", 0x5422), ("TIOCSETD", 0x5423), ("TIOCGETD", 0x5424),
        ("TCSBRKP", 0x5425), ("TIOCSBRK", 0x5427), ("TIOCCBRK", 0x5428), ("TIOCGSID", 0x5429),
        ("TIOCGPTN", 0x80045430), ("TIOCSPTLCK", 0x40045431), ("TIOCGDEV", 0x80045432),
        ("TIOCSIG", 0x40045436), ("TIOCVHANGUP", 0x5437), ("TIOCGPKT", 0x80045438),
        ("TIOCGPTLCK", 0x80045439), ("TIOCGEXCL", 0x80045440), ("TIOCGPTPEER", 0x5441),
        ("FIONCLEX", 0x5450), ("FIOCLEX", 0x5451), ("FIOASYNC", 0x5452), ("TIOCSERGETLSR", 0x5459),
        ("FIOQSIZE", 0x5460), ("FIOSETOWN", 0x8901), ("SIOCSPGRP", 0x8902), ("FIOGETOWN", 0x8903),
        ("SIOCGPGRP", 0x8904), ("SIOCATMARK", 0x8905), ("SIOCGSTAMP", 0x8906),
        ("SIOCGIFNAME", 0x8910), ("SIOCGIFCONF", 0x8912), ("SIOCGIFFLAGS", 0x8913),
        ("SIOCGIFADDR", 0x8915), ("SIOCGIFMTU", 0x8921), ("SIOCGIFHWADDR", 0x8927),
        ("SIOCGIFINDEX", 0x8933), ("FIBMAP", 0x1), ("FIGETBSZ", 0x2), ("BLKSSZGET", 0x1268),
        ("BLKGETSIZE64", 0x80081272), ("FS_IOC_GETFLAGS", 0x80086601), ("FS_IOC_SETFLAGS", 0x40086602),
        ("FICLONE", 0x40049409));

    public static Use UseOf(uint request) => request switch
    {
        0x5401 or 0x5405 => Use.TermiosOut,
        0x5402 or 0x5403 or 0x5404 or 0x5406 or 0x5407 or 0x5408 => Use.TermiosIn,
        0x5413 => Use.WinsizeOut,
        0x5414 => Use.WinsizeIn,
        0x541b or 0x5411 or 0x540f or 0x5429 or 0x80045430 or 0x5424 or 0x80045438 or 0x80045439
            or 0x80045440 or 0x5415 or 0x8903 or 0x8904 or 0x8905 => Use.IntOut,
        0x5421 or 0x5452 or 0x5410 or 0x40045431 or 0x5423 or 0x5418 or 0x5416 or 0x5417 or 0x5420
            or 0x8901 or 0x8902 => Use.IntIn,
        0x5450 or 0x5451 or 0x5422 or 0x540c or 0x540d or 0x541d or 0x5427 or 0x5428 or 0x5437 => Use.None,
        0x540e or 0x5409 or 0x540a or 0x540b or 0x5425 or 0x40045436 or 0x40049409 => Use.IntValue,
        _ => Use.Raw,
    };

    /// <summary>A request without a name, decoded as strace does: <c>_IOC(_IOC_READ, 0x12, 0x72, 0x8)</c>.</summary>
    public static string Format(uint request)
    {
        if (Names.TryGetName(request, out var name))
            return name;
        var direction = (request >> 30) switch
        {
            0 => "_IOC_NONE",
            1 => "_IOC_WRITE",
            2 => "_IOC_READ",
            _ => "_IOC_READ|_IOC_WRITE",
        };
        return "_IOC(" + direction + ", " + NumberText.Hex((request >> 8) & 0xff) + ", "
            + NumberText.Hex(request & 0xff) + ", " + NumberText.Hex((request >> 16) & 0x3fff) + ")";
    }
}
