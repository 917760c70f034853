using Diag.Linux.Interop;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>
/// Reads a stopped tracee's memory for the decoder: process_vm_readv, and PTRACE_PEEKDATA word by
/// word where process_vm_readv is unavailable (kernels built without it, some seccomp policies).
/// Must be used on the tracer thread (PEEKDATA is a ptrace request).
/// </summary>
internal sealed unsafe class TraceeMemory : ITraceeMemory
{
    private readonly int _threadId;

    public TraceeMemory(int threadId) => _threadId = threadId;

    public int Read(ulong address, Span<byte> destination)
    {
        if (destination.IsEmpty || address == 0)
            return 0;
        fixed (byte* buffer = destination)
        {
            var local = new Libc.IoVec { Base = buffer, Length = (nuint)destination.Length };
            var remote = new Libc.IoVec { Base = (void*)address, Length = (nuint)destination.Length };
            var copied = Libc.ProcessVmReadv(_threadId, &local, 1, &remote, 1, 0);
            if (copied >= 0)
                return (int)copied;
            var errno = Libc.LastErrno;
            return errno is Errno.EFAULT or Errno.ESRCH ? 0 : PeekRead(address, destination);
        }
    }

    private int PeekRead(ulong address, Span<byte> destination)
    {
        var copied = 0;
        Span<byte> word = stackalloc byte[8];
        while (copied < destination.Length)
        {
            var at = address + (ulong)copied;
            var aligned = at & ~7UL;
            var value = Libc.Ptrace(Libc.PTRACE_PEEKDATA, _threadId, (nint)aligned, 0);
            if (value == -1 && Libc.LastErrno != 0)
                break;
            BitConverter.TryWriteBytes(word, value);
            var offset = (int)(at - aligned);
            var take = Math.Min(8 - offset, destination.Length - copied);
            word.Slice(offset, take).CopyTo(destination.Slice(copied));
            copied += take;
        }
        return copied;
    }
}
