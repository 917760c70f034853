using System.Runtime.InteropServices;

namespace Diag.Linux.Pipes.Kernel;

/// <summary>What the descriptor iterator writes for one pipe, FIFO or socket descriptor of a process
/// (<see cref="DescriptorIteratorProgram"/>): what /proc/PID/fd/FD's link and its permission bits tell.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct DescriptorRecord
{
    public const int Size = 48;
    public const byte KindPipe = 1, KindFifo = 2, KindSocket = 3;
    public const short OffTgid = 0, OffFd = 4, OffInode = 8, OffDevice = 16, OffFileMode = 20, OffFileFlags = 24, OffInodeMode = 28, OffKind = 30,
        OffBuffered = 32, OffCapacity = 40;

    [FieldOffset(OffTgid)] public int Tgid;
    [FieldOffset(OffFd)] public int Fd;
    [FieldOffset(OffInode)] public ulong Inode;
    /// <summary>The file system's device in the kernel's encoding: major in the top 12 bits, minor in the low 20.</summary>
    [FieldOffset(OffDevice)] public uint Device;
    /// <summary>file->f_mode: FMODE_READ (1) and FMODE_WRITE (2), which /proc turns into the link's permission bits.</summary>
    [FieldOffset(OffFileMode)] public uint FileMode;
    /// <summary>file->f_flags: the open flags (O_NONBLOCK...), as /proc/PID/fdinfo/FD's flags.</summary>
    [FieldOffset(OffFileFlags)] public uint FileFlags;
    [FieldOffset(OffInodeMode)] public ushort InodeMode;
    /// <summary><see cref="KindPipe"/> (a FIFO inode on pipefs), <see cref="KindFifo"/> (a named pipe), <see cref="KindSocket"/>.</summary>
    [FieldOffset(OffKind)] public byte Kind;
    /// <summary>A pipe's or FIFO's unread bytes, as FIONREAD counts them (the lengths of its buffers from tail to
    /// head); -1 when the program could not tell (a socket, a pipe with more buffers in use than it sums).</summary>
    [FieldOffset(OffBuffered)] public long Buffered;
    /// <summary>A pipe's size in bytes, as F_GETPIPE_SZ gives it (max_usage pages); 0 when unknown.</summary>
    [FieldOffset(OffCapacity)] public uint Capacity;

    public readonly uint DeviceMajor => Device >> 20;
    public readonly uint DeviceMinor => Device & 0xFFFFF;
}
