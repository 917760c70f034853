using Diag.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Captures;

/// <summary>
/// Opens what a capture is read from without ever blocking in open(2): a regular file as a file stream; a
/// FIFO (<c>tcpdump -U -w FIFO</c>), a pipe (<c>/dev/stdin</c>) or a character device as a
/// <see cref="PipeReadStream"/>. A blocking open of a FIFO waits for a writer for ever, and no Ctrl+C can end it.
/// </summary>
internal static class CaptureInput
{
    /// <exception cref="IOException">The path cannot be opened (a <see cref="SyscallException"/> naming the errno).</exception>
    public static unsafe Stream Open(string path, CancellationToken cancel, TimeSpan? limit)
    {
        var fd = SafeFileDescriptor.FromResult(Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC), "open");
        try
        {
            Libc.Statx st;
            if (Libc.StatxPath(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_TYPE, &st) != 0)
                throw SyscallException.FromLastError("statx");
            if ((st.Mode & Libc.S_IFMT) != Libc.S_IFREG) return new PipeReadStream(fd, cancel, limit);

            // A regular file: O_NONBLOCK means nothing to it, and FileStream reads it in large sequential reads.
            var handle = new SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: true);
            fd.SetHandleAsInvalid(); // the handle owns the descriptor now
            return new FileStream(handle, FileAccess.Read, bufferSize: 1);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }
}
