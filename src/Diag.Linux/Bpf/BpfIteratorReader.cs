using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// One pass of a BPF iterator: read() returns what the program wrote, object after object, until 0 at the
/// end. The kernel fills at most a few pages per read and never splits one object's output across reads.
/// </summary>
internal sealed unsafe class BpfIteratorReader : IDisposable
{
    private readonly SafeFileDescriptor _fd;
    private readonly string _target;

    internal BpfIteratorReader(SafeFileDescriptor fd, string target)
    {
        _fd = fd;
        _target = target;
    }

    /// <summary>Fills <paramref name="buffer"/> with the next bytes; 0 at the end of the pass.</summary>
    public int Read(Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            while (true)
            {
                var n = Libc.Read(_fd, b, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                if (Libc.LastErrno != Errno.EINTR)
                    throw SyscallException.FromLastError("read", _target); // E2BIG: one object wrote more than the kernel buffers
            }
        }
    }

    /// <summary>Everything left of the pass.</summary>
    public byte[] ReadToEnd()
    {
        var output = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = Read(buffer)) > 0)
            output.Write(buffer, 0, n);
        return output.ToArray();
    }

    public void Dispose() => _fd.Dispose();
}
