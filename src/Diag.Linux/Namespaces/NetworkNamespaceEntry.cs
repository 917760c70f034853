using System.Runtime.ExceptionServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Namespaces;

/// <summary>
/// Runs work inside another network namespace. A network namespace belongs to a thread, so the work runs on a
/// short-lived thread that setns()es into it: nothing else in this process moves, and the thread (with its hold on
/// the namespace) ends with the work. Sockets and /proc/sys or /proc/thread-self/net files opened there keep
/// answering for that namespace afterwards, from any thread. Entering needs CAP_SYS_ADMIN over the namespace (root).
/// </summary>
internal static class NetworkNamespaceEntry
{
    /// <summary>Runs <paramref name="work"/> in <paramref name="ns"/> (inline when it is the caller's own) and returns
    /// its result; returns 0 or the errno of opening or entering the namespace (ENOENT: it is gone; EPERM: not allowed;
    /// ESTALE: the path now names another namespace, e.g. a reused PID). Exceptions of the work are rethrown here.</summary>
    public static int TryRun<T>(NetworkNamespace ns, Func<T> work, out T? result)
    {
        result = default;
        if (ns.IsOwn)
        {
            result = work();
            return 0;
        }
        using var fd = Libc.OpenHandle(ns.OpenPath, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd.IsInvalid) return Libc.LastErrno;
        if (!RefersTo(fd, ns.Inode)) return ESTALE;
        return TryRun(fd, work, out result);
    }

    /// <summary>Runs <paramref name="work"/> in the namespace a file refers to (<c>/proc/PID/ns/net</c>); returns 0 or the
    /// errno of opening or entering it.</summary>
    public static int TryRun<T>(string path, Func<T> work, out T? result)
    {
        result = default;
        using var fd = Libc.OpenHandle(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd.IsInvalid) return Libc.LastErrno;
        return TryRun(fd, work, out result);
    }

    private static int TryRun<T>(SafeFileDescriptor fd, Func<T> work, out T? result)
    {
        T? value = default;
        int errno = 0;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            if (Libc.SetNs(fd, Libc.CLONE_NEWNET) != 0)
            {
                errno = Libc.LastErrno;
                return;
            }
            try
            {
                value = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "Diag in network namespace" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        result = value;
        return errno;
    }

    private const int ESTALE = 116;

    private static unsafe bool RefersTo(SafeFileDescriptor fd, ulong inode)
    {
        Libc.Statx statx;
        return Libc.StatxPath(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_INO, &statx) == 0 && statx.Inode == inode;
    }
}
