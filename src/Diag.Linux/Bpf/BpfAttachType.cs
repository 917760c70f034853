namespace Diag.Linux.Bpf;

/// <summary>Where a program is meant to attach (<c>enum bpf_attach_type</c>): given at load time as the expected
/// attach type, so that the verifier knows the context, and again when the link is created.</summary>
internal enum BpfAttachType : uint
{
    /// <summary>tp_btf: a BTF-typed raw tracepoint.</summary>
    TraceRawTracepoint = 23,
    TraceFentry = 24,
    TraceFexit = 25,
    TraceIterator = 28,

    /// <summary>A program on a perf event (tracepoint, kprobe, uprobe) through a bpf_link (Linux 5.15).</summary>
    PerfEvent = 41,

    /// <summary>One link for many kernel functions (Linux 5.18, CONFIG_FPROBE).</summary>
    TraceKprobeMulti = 42,
}
