using Diag.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Stacks;

/// <summary>What identifies a file's contents for the image cache: device, inode, size and change time.</summary>
internal readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode, ulong Size, long ModifySeconds, uint ModifyNanoseconds)
{
    public static unsafe FileIdentity? Of(SafeFileHandle handle)
    {
        Libc.Statx s;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Libc.StatxPath(handle, "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS, &s) != 0) return null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        return new FileIdentity(s.DevMajor, s.DevMinor, s.Inode, s.Size, s.ModifySeconds, s.ModifyNanoseconds);
    }
}
