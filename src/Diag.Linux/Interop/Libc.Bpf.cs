using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// bpf(2) for the eBPF layer (src/Diag.Linux/Bpf): maps, program loading, links, iterators, object ids
// and info, kernel BTF objects. Layouts: include/uapi/linux/bpf.h (union bpf_attr). The kernel accepts an
// attr shorter than its own (the rest reads as zero) and a longer one whose extra bytes are zero, so each
// command gets a struct of its own, up to the last field used.
// glibc has no bpf() wrapper: the call goes through syscall(), whose assembly only moves registers.
internal static unsafe partial class Libc
{
    // enum bpf_cmd.
    public const int BPF_MAP_CREATE = 0, BPF_MAP_LOOKUP_ELEM = 1, BPF_MAP_UPDATE_ELEM = 2, BPF_MAP_DELETE_ELEM = 3,
        BPF_MAP_GET_NEXT_KEY = 4, BPF_PROG_LOAD = 5, BPF_PROG_GET_NEXT_ID = 11, BPF_MAP_GET_NEXT_ID = 12,
        BPF_PROG_GET_FD_BY_ID = 13, BPF_MAP_GET_FD_BY_ID = 14, BPF_OBJ_GET_INFO_BY_FD = 15, BPF_RAW_TRACEPOINT_OPEN = 17,
        BPF_BTF_GET_FD_BY_ID = 19, BPF_MAP_FREEZE = 22, BPF_BTF_GET_NEXT_ID = 23, BPF_LINK_CREATE = 28,
        BPF_LINK_GET_FD_BY_ID = 30, BPF_LINK_GET_NEXT_ID = 31, BPF_ITER_CREATE = 33;

    // Map update flags.
    public const ulong BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2;

    // Map creation flags.
    public const uint BPF_F_NO_PREALLOC = 1, BPF_F_RDONLY_PROG = 1 << 7, BPF_F_MMAPABLE = 1 << 10;

    // bpf_get_stackid flags.
    public const ulong BPF_F_USER_STACK = 1 << 8, BPF_F_FAST_STACK_CMP = 1 << 9, BPF_F_REUSE_STACKID = 1 << 10;

    /// <summary>link_create.kprobe_multi.flags: attach to the functions' returns.</summary>
    public const uint BPF_F_KPROBE_MULTI_RETURN = 1;

    /// <summary>Ring buffer record header bits (the length word) and its size.</summary>
    public const uint BPF_RINGBUF_BUSY_BIT = 1u << 31, BPF_RINGBUF_DISCARD_BIT = 1u << 30;
    public const int BPF_RINGBUF_HDR_SZ = 8;

    public const int BPF_OBJ_NAME_LEN = 16;

    /// <summary><c>union bpf_attr</c> for BPF_MAP_CREATE, up to map_ifindex (Linux 4.15+ for the name).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfMapCreateAttr
    {
        public uint MapType, KeySize, ValueSize, MaxEntries, MapFlags, InnerMapFd, NumaNode;
        public fixed byte MapName[BPF_OBJ_NAME_LEN];
        public uint MapIfIndex;
    }

    /// <summary><c>union bpf_attr</c> for the BPF_MAP_*_ELEM, GET_NEXT_KEY and FREEZE commands.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfMapElemAttr
    {
        public uint MapFd;
        private uint _pad;
        public ulong Key;
        public ulong ValueOrNextKey;
        public ulong Flags;
    }

    /// <summary><c>union bpf_attr</c> for BPF_PROG_LOAD, up to attach_btf_obj_fd (older kernels accept the
    /// larger size as long as the fields they do not know are zero).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgLoadAttr
    {
        public uint ProgType, InsnCount;
        public ulong Insns, License;
        public uint LogLevel, LogSize;
        public ulong LogBuffer;
        public uint KernelVersion, ProgFlags;
        public fixed byte ProgName[BPF_OBJ_NAME_LEN];
        public uint ProgIfIndex, ExpectedAttachType;
        public uint ProgBtfFd, FuncInfoRecordSize;
        public ulong FuncInfo;
        public uint FuncInfoCount, LineInfoRecordSize;
        public ulong LineInfo;
        public uint LineInfoCount, AttachBtfId, AttachBtfObjectFd;
        private uint _pad;
    }

    /// <summary><c>union bpf_attr</c> for BPF_RAW_TRACEPOINT_OPEN.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfRawTracepointAttr
    {
        public ulong Name;
        public uint ProgFd;
        private uint _pad;
    }

    /// <summary><c>union bpf_attr</c> for BPF_LINK_CREATE (Linux 5.7): program, target, attach type, flags, then
    /// a union whose meaning depends on the attach type (the fields below overlay it).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 48)]
    public struct BpfLinkCreateAttr
    {
        [FieldOffset(0)] public uint ProgFd;
        [FieldOffset(4)] public uint TargetFd;
        [FieldOffset(8)] public uint AttachType;
        [FieldOffset(12)] public uint Flags;

        /// <summary>tracing: target_btf_id (0: the program's attach_btf_id).</summary>
        [FieldOffset(16)] public uint TargetBtfId;

        /// <summary>iter: a <c>union bpf_iter_link_info</c> and its length.</summary>
        [FieldOffset(16)] public ulong IterInfo;
        [FieldOffset(24)] public uint IterInfoLength;

        /// <summary>perf_event: bpf_cookie.</summary>
        [FieldOffset(16)] public ulong PerfEventCookie;

        /// <summary>kprobe_multi: flags, count, then arrays of symbol names, addresses and cookies.</summary>
        [FieldOffset(16)] public uint KprobeMultiFlags;
        [FieldOffset(20)] public uint KprobeMultiCount;
        [FieldOffset(24)] public ulong KprobeMultiSymbols;
        [FieldOffset(32)] public ulong KprobeMultiAddresses;
        [FieldOffset(40)] public ulong KprobeMultiCookies;
    }

    /// <summary><c>union bpf_iter_link_info</c>, the task member (Linux 6.1): 0, or one thread, or one process.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfIterTaskInfo
    {
        public uint Tid, Pid, PidFd;
    }

    /// <summary><c>union bpf_attr</c> for BPF_ITER_CREATE.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfIterCreateAttr
    {
        public uint LinkFd, Flags;
    }

    /// <summary><c>union bpf_attr</c> for BPF_OBJ_GET_INFO_BY_FD.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfObjInfoAttr
    {
        public uint BpfFd, InfoLength;
        public ulong Info;
    }

    /// <summary><c>union bpf_attr</c> for BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfGetFdByIdAttr
    {
        public uint Id, NextId, OpenFlags;
    }

    /// <summary><c>struct bpf_btf_info</c>: a BTF object's data (when asked for), id, name, and whether the kernel
    /// made it (vmlinux and modules) rather than a program loader.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfBtfInfo
    {
        public ulong Btf;
        public uint BtfSize, Id;
        public ulong Name;
        public uint NameLength, KernelBtf;
    }

    /// <summary>bpf(cmd, attr, size): a new fd or 0 on success, -1 with errno set.</summary>
    public static int Bpf<T>(int command, T* attr) where T : unmanaged =>
        (int)Syscall3(SyscallNumbers.Bpf, command, (long)attr, sizeof(T));
}
