namespace Diag.Linux.Bpf;

/// <summary>The program types the layer loads (<c>enum bpf_prog_type</c>).</summary>
internal enum BpfProgramType : uint
{
    /// <summary>kprobe, kretprobe, kprobe-multi, uprobe: the context is the probed task's pt_regs.</summary>
    Kprobe = 2,

    /// <summary>A classic tracepoint through a perf event: the context is the tracepoint's record (format file).</summary>
    Tracepoint = 5,

    /// <summary>A raw tracepoint: the context is the tracepoint's arguments as u64s (Linux 4.17).</summary>
    RawTracepoint = 17,

    /// <summary>tp_btf, fentry, fexit, iterators: typed arguments through the kernel's BTF (Linux 5.5).</summary>
    Tracing = 26,
}
