namespace Diag.Linux.Interop;

/// <summary>
/// A system call failed. Names the call and the errno so that the cmdlet layer can pick an error
/// category and say what to do; the message reads like strace: <c>openat: ENOENT (No such file or directory)</c>.
/// </summary>
public class SyscallException : IOException
{
    public SyscallException(string syscall, int errno, string? detail = null)
        : base(FormatMessage(syscall, errno, detail))
    {
        Syscall = syscall;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The call that failed, e.g. <c>ptrace(PTRACE_SEIZE)</c>.</summary>
    public string Syscall { get; }

    /// <summary>The errno value.</summary>
    public int Errno { get; }

    /// <summary>Symbolic errno name, e.g. <c>EPERM</c>.</summary>
    public string ErrnoName => Interop.Errno.GetName(Errno);

    /// <summary>Throws for the errno the last libc call on this thread left behind.</summary>
    public static SyscallException FromLastError(string syscall, string? detail = null) =>
        new(syscall, Libc.LastErrno, detail);

    private static string FormatMessage(string syscall, int errno, string? detail) =>
        $"{syscall}: {Interop.Errno.GetName(errno)} ({Interop.Errno.GetDescription(errno)})" +
        (detail is null ? string.Empty : ": " + detail);
}
