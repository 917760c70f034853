namespace Diag.Linux.Bpf;

/// <summary>Kernel helper functions the programs call (<c>enum bpf_func_id</c>, include/uapi/linux/bpf.h).
/// Which program types may call which helper is the verifier's business; the comments say the usual users.</summary>
internal enum BpfHelper
{
    MapLookupElem = 1,
    MapUpdateElem = 2,
    MapDeleteElem = 3,

    /// <summary>Any address (before Linux 5.5; replaced by the kernel and user variants).</summary>
    ProbeRead = 4,
    KtimeGetNs = 5,
    GetSmpProcessorId = 8,
    GetCurrentPidTgid = 14,
    GetCurrentUidGid = 15,

    /// <summary>(buffer, size): the current task's comm, NUL-terminated.</summary>
    GetCurrentComm = 16,

    /// <summary>(ctx, stack map, flags): an id of the current kernel (or, with BPF_F_USER_STACK, user) stack.</summary>
    GetStackId = 27,

    /// <summary>The current task_struct as a plain number (read it with probe_read_kernel).</summary>
    GetCurrentTask = 35,
    ProbeReadStr = 45,
    GetStack = 67,
    ProbeReadUser = 112,
    ProbeReadKernel = 113,
    ProbeReadUserStr = 114,
    ProbeReadKernelStr = 115,
    KtimeGetBootNs = 125,

    /// <summary>Iterators: (seq, format, format size, u64 data[], data size).</summary>
    SeqPrintf = 126,

    /// <summary>Iterators: (seq, data, size).</summary>
    SeqWrite = 127,
    RingbufOutput = 130,
    RingbufReserve = 131,
    RingbufSubmit = 132,
    RingbufDiscard = 133,
    RingbufQuery = 134,

    /// <summary>The current task_struct as a BTF pointer (tracing programs read its fields directly), Linux 5.11.</summary>
    GetCurrentTaskBtf = 158,
    GetFuncIp = 173,
    GetAttachCookie = 174,
    GetFuncArg = 183,
    GetFuncRet = 184,
}
