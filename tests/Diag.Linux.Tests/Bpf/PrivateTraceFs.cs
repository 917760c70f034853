using System.Runtime.InteropServices;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// Runs code where tracefs is mounted at /sys/kernel/tracing, without mounting it for anyone else: a thread of
/// its own unshares its mount namespace (allowed for one thread of a multi-threaded process: only CLONE_FS is
/// copied), makes every mount private so nothing propagates back, and mounts tracefs there. The namespace, and
/// the mount with it, goes when the thread ends: nothing is left behind, even if the test fails.
/// </summary>
internal static partial class PrivateTraceFs
{
    private const int CLONE_NEWNS = 0x00020000;
    private const ulong MS_REC = 0x4000, MS_PRIVATE = 1 << 18;

    /// <summary>Runs <paramref name="action"/> on a thread that sees tracefs at /sys/kernel/tracing.</summary>
    public static T Run<T>(Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Unshare(CLONE_NEWNS) != 0)
                    throw new InvalidOperationException($"unshare(CLONE_NEWNS): errno {Marshal.GetLastPInvokeError()}");
                if (Mount(null, "/", null, MS_REC | MS_PRIVATE, 0) != 0)
                    throw new InvalidOperationException($"mount --make-rprivate /: errno {Marshal.GetLastPInvokeError()}");
                if (Mount("nodev", "/sys/kernel/tracing", "tracefs", 0, 0) != 0)
                    throw new InvalidOperationException($"mount -t tracefs: errno {Marshal.GetLastPInvokeError()}");
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "private-tracefs" };
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new InvalidOperationException("in the private tracefs namespace: " + failure.Message, failure);
        return result;
    }

    /// <summary>The id of tracepoint CATEGORY:NAME, read from the private tracefs.</summary>
    public static int TracepointId(string category, string name) =>
        Run(() => Diag.Linux.Bpf.TraceFs.TracepointId(category, name));

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string? source, string target, string? type, ulong flags, nint data);
}
