using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// The kernel-wide id of a program, map or link behind a descriptor (what bpftool lists), read with
/// BPF_OBJ_GET_INFO_BY_FD: the program, map and link info structures all start with
/// their type and id.
/// </summary>
internal static unsafe class BpfObjectId
{
    public static uint Of(SafeFileDescriptor fd)
    {
        var info = stackalloc uint[2];
        var added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            Libc.BpfObjInfoAttr attr = new() { BpfFd = (uint)fd.Value, InfoLength = 8, Info = (ulong)info };
            if (Libc.Bpf(Libc.BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
                throw SyscallException.FromLastError("bpf(BPF_OBJ_GET_INFO_BY_FD)");
            return info[1];
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }
}
