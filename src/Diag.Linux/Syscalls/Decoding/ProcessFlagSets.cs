// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/sched.h, linux/wait.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Flags of clone, clone3 and wait4.</summary>
internal static class ProcessFlagSets
{
    /// <summary>clone/clone3 flags (without the exit signal in the low byte).</summary>
    public static readonly FlagSet CloneFlags = new("0",
        ("CLONE_VM", 0x100),
        ("CLONE_FS", 0x200),
        ("CLONE_FILES", 0x400),
        ("CLONE_SIGHAND", 0x800),
        ("CLONE_PIDFD", 0x1000),
        ("CLONE_PTRACE", 0x2000),
        ("CLONE_VFORK", 0x4000),
        ("CLONE_PARENT", 0x8000),
        ("CLONE_THREAD", 0x10000),
        ("CLONE_NEWNS", 0x20000),
        ("CLONE_SYSVSEM", 0x40000),
        ("CLONE_SETTLS", 0x80000),
        ("CLONE_PARENT_SETTID", 0x100000),
        ("CLONE_CHILD_CLEARTID", 0x200000),
        ("CLONE_DETACHED", 0x400000),
        ("CLONE_UNTRACED", 0x800000),
        ("CLONE_CHILD_SETTID", 0x1000000),
        ("CLONE_NEWCGROUP", 0x2000000),
        ("CLONE_NEWUTS", 0x4000000),
        ("CLONE_NEWIPC", 0x8000000),
        ("CLONE_NEWUSER", 0x10000000),
        ("CLONE_NEWPID", 0x20000000),
        ("CLONE_NEWNET", 0x40000000),
        ("CLONE_IO", 0x80000000),
        ("CLONE_CLEAR_SIGHAND", 0x100000000),
        ("CLONE_INTO_CGROUP", 0x200000000),
        ("CLONE_NEWTIME", 0x80));

    public const ulong ExitSignalMask = 0xff;
    public const ulong CLONE_PIDFD = 0x1000;

    /// <summary>wait4/waitid options.</summary>
    public static readonly FlagSet WaitOptions = new("0",
        ("WNOHANG", 0x1),
        ("WUNTRACED", 0x2),
        ("WEXITED", 0x4),
        ("WCONTINUED", 0x8),
        ("WNOWAIT", 0x1000000),
        ("__WNOTHREAD", 0x20000000),
        ("__WALL", 0x40000000),
        ("__WCLONE", 0x80000000));
}
