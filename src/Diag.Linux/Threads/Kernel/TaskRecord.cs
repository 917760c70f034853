using System.Runtime.InteropServices;

namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// What the thread task iterator writes for one thread (<see cref="TaskIteratorProgram"/>): the fields of
/// /proc/PID/task/TID/stat, status, schedstat, syscall and wchan that Get-ThreadCpu shows, raw as the kernel
/// keeps them (states as bits, times in nanoseconds). Little-endian, fixed size, 8-byte aligned.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct TaskRecord
{
    public const int Size = 208;
    public const int WaitChannelRoom = 64;

    /// <summary><see cref="Syscall"/> when the program did not read it: the thread was running, or is a kernel thread.</summary>
    public const long SyscallNotRead = -2;

    public const short OffTid = 0, OffTgid = 4, OffNamespaceTid = 8, OffNamespaceTgid = 12, OffState = 16, OffExitState = 20,
        OffFlags = 24, OffCpu = 28, OffPrio = 32, OffStaticPrio = 36, OffUserTime = 40, OffSystemTime = 48, OffRunTime = 56,
        OffVoluntarySwitches = 64, OffInvoluntarySwitches = 72, OffMinorFaults = 80, OffMajorFaults = 88, OffStartBootTime = 96,
        OffTimestamp = 104, OffSyscall = 112, OffWaitChannelLength = 120, OffComm = 128, OffWaitChannel = 144;

    [FieldOffset(OffTid)] public int Tid;
    [FieldOffset(OffTgid)] public int Tgid;
    /// <summary>The IDs in the thread's own PID namespace (NSpid and NStgid's last value).</summary>
    [FieldOffset(OffNamespaceTid)] public int NamespaceTid;
    [FieldOffset(OffNamespaceTgid)] public int NamespaceTgid;
    [FieldOffset(OffState)] public uint State;
    [FieldOffset(OffExitState)] public uint ExitState;
    [FieldOffset(OffFlags)] public uint Flags;
    [FieldOffset(OffCpu)] public int Cpu;
    [FieldOffset(OffPrio)] public int Prio;
    [FieldOffset(OffStaticPrio)] public int StaticPrio;
    [FieldOffset(OffUserTime)] public ulong UserTimeNanoseconds;
    [FieldOffset(OffSystemTime)] public ulong SystemTimeNanoseconds;
    [FieldOffset(OffRunTime)] public ulong RunNanoseconds;
    [FieldOffset(OffVoluntarySwitches)] public ulong VoluntarySwitches;
    [FieldOffset(OffInvoluntarySwitches)] public ulong InvoluntarySwitches;
    [FieldOffset(OffMinorFaults)] public ulong MinorFaults;
    [FieldOffset(OffMajorFaults)] public ulong MajorFaults;
    /// <summary>Nanoseconds since boot, suspend included (CLOCK_BOOTTIME), when the thread started.</summary>
    [FieldOffset(OffStartBootTime)] public ulong StartBootNanoseconds;
    /// <summary>CLOCK_MONOTONIC nanoseconds when the record was written (bpf_ktime_get_ns).</summary>
    [FieldOffset(OffTimestamp)] public long Timestamp;
    /// <summary>pt_regs->orig_ax of a blocked user thread: the call it is in, -1 outside any; <see cref="SyscallNotRead"/>.</summary>
    [FieldOffset(OffSyscall)] public long Syscall;
    /// <summary>What snprintf returned for the wait channel: 0 none, else its length with the NUL; above
    /// <see cref="WaitChannelRoom"/> the name was cut.</summary>
    [FieldOffset(OffWaitChannelLength)] public int WaitChannelLength;
    [FieldOffset(OffComm)] public fixed byte Comm[16];
    [FieldOffset(OffWaitChannel)] public fixed byte WaitChannel[WaitChannelRoom];
}
