using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// perf_event_open(2) and the perf event ioctls, for the eBPF layer's tracepoint, kprobe and uprobe links:
// a BPF program runs on a perf event of a tracepoint or of a dynamic probe PMU. Layouts:
// include/uapi/linux/perf_event.h.
internal static unsafe partial class Libc
{
    public const long SYS_perf_event_open = 298; // x86_64

    public const uint PERF_TYPE_SOFTWARE = 1, PERF_TYPE_TRACEPOINT = 2;

    public const ulong PERF_COUNT_SW_CPU_CLOCK = 0;

    public const ulong PERF_FLAG_FD_CLOEXEC = 1UL << 3;

    // _IO('$', 0), _IO('$', 1), _IOW('$', 8, __u32).
    public const uint PERF_EVENT_IOC_ENABLE = 0x2400, PERF_EVENT_IOC_DISABLE = 0x2401, PERF_EVENT_IOC_SET_BPF = 0x40042408;

    /// <summary>PERF_ATTR_SIZE_VER5 (Linux 4.1): every field up to aux_watermark and sample_max_stack.</summary>
    public const uint PERF_ATTR_SIZE_VER5 = 112;

    /// <summary><c>struct perf_event_attr</c> up to PERF_ATTR_SIZE_VER5. The bit fields after read_format are one u64
    /// (<see cref="Flags"/>); config1 and config2 carry a probe's function name or file path and its offset.</summary>
    [StructLayout(LayoutKind.Sequential, Size = (int)PERF_ATTR_SIZE_VER5)]
    public struct PerfEventAttr
    {
        public uint Type, Size;
        public ulong Config;
        public ulong SamplePeriod, SampleType, ReadFormat;
        public ulong Flags;
        public uint WakeupEvents, BpType;
        public ulong Config1, Config2;
        public ulong BranchSampleType, SampleRegsUser;
        public uint SampleStackUser;
        public int ClockId;
        public ulong SampleRegsIntr;
        public uint AuxWatermark;
        public ushort SampleMaxStack;
        private ushort _reserved2;
    }

    /// <summary>perf_event_attr.disabled: the event starts off (PERF_EVENT_IOC_ENABLE turns it on).</summary>
    public const ulong PERF_ATTR_FLAG_DISABLED = 1;

    /// <summary>perf_event_open(attr, pid, cpu, group_fd, flags): a new fd, or -1 with errno set.</summary>
    public static int PerfEventOpen(PerfEventAttr* attr, int pid, int cpu, int groupFd, ulong flags) =>
        (int)Syscall5(SYS_perf_event_open, (long)attr, pid, cpu, groupFd, (long)flags);

    /// <summary><c>syscall(2)</c> with five arguments.</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall5(long number, long a1, long a2, long a3, long a4, long a5);

    /// <summary>ioctl(fd, request, arg) with an integer argument (the perf event ioctls take a program fd or 0).</summary>
    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlValue(SafeFileDescriptor fd, nuint request, nint argument);
}
