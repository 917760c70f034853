using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>
/// A file descriptor this process owns: a file or directory under /proc, a pidfd, a socket, an epoll
/// instance, a BPF program, map or link, a perf event. Closed exactly once, by Dispose or, if an
/// exception path forgot, by the finalizer, so nothing the engine opens outlives it in a long-lived pwsh.
/// LibraryImport marshals it as the int the kernel expects, holding a reference for the call's duration
/// (a concurrent Dispose cannot close it under a system call).
/// </summary>
public sealed class SafeFileDescriptor : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/> (or borrows it when <paramref name="ownsHandle"/> is false); a
    /// negative value (a failed call's -1) makes an invalid handle that closes nothing. LibraryImports return int, never
    /// this type: the marshaller would widen the C int as a pointer and -1 would not read as invalid.</summary>
    public SafeFileDescriptor(int fd, bool ownsHandle = true) : base(-1, ownsHandle) => SetHandle(fd);

    public override bool IsInvalid => (int)handle < 0;

    /// <summary>The number, for messages and for kernel structures that carry descriptors by value
    /// (bpf_attr, epoll_event). Valid only while this object is alive and not disposed.</summary>
    public int Value => (int)handle;

    /// <summary>Owns the result of a call that returns a descriptor, or throws the call's
    /// <see cref="SyscallException"/> when it returned -1 (errno from the last libc call).</summary>
    public static SafeFileDescriptor FromResult(int fd, string syscall, string? detail = null) =>
        fd >= 0 ? new SafeFileDescriptor(fd) : throw SyscallException.FromLastError(syscall, detail);

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
