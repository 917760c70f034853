using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>
/// A memory mapping this process owns (mmap of a kernel object, such as a BPF ring buffer's pages): unmapped
/// exactly once, by Dispose or the finalizer. Readers hold a reference (<see cref="SafeHandle.DangerousAddRef"/>)
/// while they touch the memory, so a Dispose from another thread waits for them instead of pulling the pages away.
/// </summary>
internal sealed unsafe class SafeMemoryMapping : SafeHandle
{
    private SafeMemoryMapping(nint address, nuint length) : base(Libc.MAP_FAILED, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    public override bool IsInvalid => handle == Libc.MAP_FAILED || handle == 0;

    /// <summary>The first byte; valid while this object is alive, not disposed, and referenced by the reader.</summary>
    public byte* Address => (byte*)handle;

    public nuint Length { get; }

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> at <paramref name="offset"/> (shared),
    /// or throws mmap's <see cref="SyscallException"/>.</summary>
    public static SafeMemoryMapping Map(SafeFileDescriptor fd, nuint length, int protection, long offset, string detail)
    {
        var added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            var address = Libc.MMap(null, length, protection, Libc.MAP_SHARED, fd.Value, offset);
            if ((nint)address == Libc.MAP_FAILED)
                throw SyscallException.FromLastError("mmap", detail);
            return new SafeMemoryMapping((nint)address, length);
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }

    protected override bool ReleaseHandle() => Libc.MUnmap((void*)handle, Length) == 0;
}
