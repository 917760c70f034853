// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/fcntl.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>fcntl commands.</summary>
internal static class FcntlCommands
{
    /// <summary>Command names.</summary>
    public static readonly ValueNames Names = new(
        ("F_DUPFD", 0),
        ("F_GETFD", 1),
        ("F_SETFD", 2),
        ("F_GETFL", 3),
        ("F_SETFL", 4),
        ("F_GETLK", 5),
        ("F_SETLK", 6),
        ("F_SETLKW", 7),
        ("F_SETOWN", 8),
        ("F_GETOWN", 9),
        ("F_SETSIG", 10),
        ("F_GETSIG", 11),
        ("F_SETOWN_EX", 15),
        ("F_GETOWN_EX", 16),
        ("F_OFD_GETLK", 36),
        ("F_OFD_SETLK", 37),
        ("F_OFD_SETLKW", 38),
        ("F_SETLEASE", 1024),
        ("F_GETLEASE", 1025),
        ("F_NOTIFY", 1026),
        ("F_CANCELLK", 1029),
        ("F_DUPFD_CLOEXEC", 1030),
        ("F_SETPIPE_SZ", 1031),
        ("F_GETPIPE_SZ", 1032),
        ("F_ADD_SEALS", 1033),
        ("F_GET_SEALS", 1034),
        ("F_GET_RW_HINT", 1035),
        ("F_SET_RW_HINT", 1036),
        ("F_GET_FILE_RW_HINT", 1037),
        ("F_SET_FILE_RW_HINT", 1038));

    public const int F_DUPFD = 0;
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int F_GETLK = 5;
    public const int F_SETLK = 6;
    public const int F_SETLKW = 7;
    public const int F_SETOWN = 8;
    public const int F_GETOWN = 9;
    public const int F_SETSIG = 10;
    public const int F_GETSIG = 11;
    public const int F_SETOWN_EX = 15;
    public const int F_GETOWN_EX = 16;
    public const int F_OFD_GETLK = 36;
    public const int F_OFD_SETLK = 37;
    public const int F_OFD_SETLKW = 38;
    public const int F_SETLEASE = 1024;
    public const int F_GETLEASE = 1025;
    public const int F_NOTIFY = 1026;
    public const int F_CANCELLK = 1029;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int F_SETPIPE_SZ = 1031;
    public const int F_GETPIPE_SZ = 1032;
    public const int F_ADD_SEALS = 1033;
    public const int F_GET_SEALS = 1034;
    public const int F_GET_RW_HINT = 1035;
    public const int F_SET_RW_HINT = 1036;
    public const int F_GET_FILE_RW_HINT = 1037;
    public const int F_SET_FILE_RW_HINT = 1038;
}
