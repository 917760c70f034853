using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// Counters the kernel keeps on a loaded program (<c>struct bpf_prog_info</c>, read with BPF_OBJ_GET_INFO_BY_FD).
/// <see cref="RecursionMisses"/> is the one that matters for exact counts: a tracing program is not run again on a
/// CPU where it is already running (an interrupt that hits the same tracepoint while the program runs in process
/// context), and the kernel counts each such skipped run (Linux 5.12+; 0 before).
/// </summary>
internal static unsafe class BpfProgramInfo
{
    // Offsets in struct bpf_prog_info (include/uapi/linux/bpf.h); the struct grows at its end only.
    private const int RecursionMissesOffset = 208;
    private const int InfoLength = RecursionMissesOffset + 8;

    /// <summary>Runs the kernel skipped because the program was already running on that CPU.</summary>
    public static ulong RecursionMisses(BpfProgram program)
    {
        var info = stackalloc byte[InfoLength];
        new Span<byte>(info, InfoLength).Clear(); // an older kernel wants the bytes it does not know to be zero
        var added = false;
        try
        {
            program.Fd.DangerousAddRef(ref added);
            Libc.BpfObjInfoAttr attr = new() { BpfFd = (uint)program.Fd.Value, InfoLength = InfoLength, Info = (ulong)info };
            if (Libc.Bpf(Libc.BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
                throw SyscallException.FromLastError("bpf(BPF_OBJ_GET_INFO_BY_FD)", "program " + program.Name);
            return attr.InfoLength >= InfoLength ? *(ulong*)(info + RecursionMissesOffset) : 0;
        }
        finally
        {
            if (added)
                program.Fd.DangerousRelease();
        }
    }
}
