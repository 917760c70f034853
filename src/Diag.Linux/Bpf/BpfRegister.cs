namespace Diag.Linux.Bpf;

/// <summary>An eBPF register: r0 return value, r1–r5 call arguments (clobbered by calls), r6–r9 kept
/// across calls, r10 the read-only frame pointer.</summary>
internal enum BpfRegister : byte
{
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10,
}
