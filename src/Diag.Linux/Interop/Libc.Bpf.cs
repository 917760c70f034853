using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// bpf(2): maps, program loading, tracepoint attachment, object ids (Bpf/, Tracing/Kernel).
// glibc has no bpf() wrapper: the call goes through syscall(), whose assembly only moves registers.
internal static unsafe partial class Libc
{
    public const int BPF_MAP_CREATE = 0, BPF_MAP_LOOKUP_ELEM = 1, BPF_MAP_UPDATE_ELEM = 2, BPF_MAP_DELETE_ELEM = 3,
        BPF_MAP_GET_NEXT_KEY = 4, BPF_PROG_LOAD = 5, BPF_PROG_GET_FD_BY_ID = 13, BPF_OBJ_GET_INFO_BY_FD = 15,
        BPF_RAW_TRACEPOINT_OPEN = 17;

    public const uint BPF_MAP_TYPE_HASH = 1, BPF_MAP_TYPE_ARRAY = 2, BPF_MAP_TYPE_PERCPU_ARRAY = 6, BPF_MAP_TYPE_LRU_HASH = 9;

    public const uint BPF_PROG_TYPE_RAW_TRACEPOINT = 17, BPF_PROG_TYPE_TRACING = 26;

    public const uint BPF_TRACE_RAW_TP = 23;

    public const ulong BPF_ANY = 0, BPF_NOEXIST = 1;

    /// <summary><c>union bpf_attr</c> for BPF_MAP_CREATE, up to map_ifindex (Linux 4.15+ for the name).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfMapCreateAttr
    {
        public uint MapType, KeySize, ValueSize, MaxEntries, MapFlags, InnerMapFd, NumaNode;
        public fixed byte MapName[16];
        public uint MapIfIndex;
    }

    /// <summary><c>union bpf_attr</c> for the BPF_MAP_*_ELEM and GET_NEXT_KEY commands.</summary>
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
        public fixed byte ProgName[16];
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

    /// <summary><c>union bpf_attr</c> for BPF_OBJ_GET_INFO_BY_FD.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfObjInfoAttr
    {
        public uint BpfFd, InfoLength;
        public ulong Info;
    }

    /// <summary><c>union bpf_attr</c> for BPF_PROG_GET_FD_BY_ID.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfGetFdByIdAttr
    {
        public uint Id, NextId, OpenFlags;
    }

    /// <summary>bpf(cmd, attr, size): a new fd or 0 on success, -1 with errno set.</summary>
    public static int Bpf<T>(int command, T* attr) where T : unmanaged =>
        (int)Syscall3(SyscallNumbers.Bpf, command, (long)attr, sizeof(T));
}

// The kernel's BTF objects (Bpf/Btf/KernelBtfObjects): vmlinux's and each module's BTF is an object with an id;
// a program attaching to a module's function or tracepoint names it by fd (attach_btf_obj_fd, Linux 5.11).
internal static unsafe partial class Libc
{
    public const int BPF_BTF_GET_FD_BY_ID = 19, BPF_BTF_GET_NEXT_ID = 23;

    /// <summary><c>struct bpf_btf_info</c> (Linux 5.11 for name and kernel_btf), filled by BPF_OBJ_GET_INFO_BY_FD.
    /// With Btf null and BtfSize 0 the kernel copies no type data.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfBtfInfo
    {
        public ulong Btf;
        public uint BtfSize, Id;
        public ulong Name;
        public uint NameLength, KernelBtf;
    }
}
