using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// An fentry or fexit program attached to its kernel function through a BPF trampoline (Linux 5.5): the
/// function is the one named by the program's BTF id at load time. Created with BPF_LINK_CREATE where the
/// kernel takes tracing programs there (Linux 5.10), else with BPF_RAW_TRACEPOINT_OPEN and no name, as libbpf does.
/// </summary>
internal sealed unsafe class TracingLink : BpfLink
{
    private TracingLink(string target, SafeFileDescriptor fd) : base(target, fd)
    {
    }

    /// <summary>Attaches <paramref name="program"/> (loaded with <see cref="BpfAttachType.TraceFentry"/> or
    /// <see cref="BpfAttachType.TraceFexit"/>); <paramref name="function"/> is for messages.</summary>
    public static TracingLink Attach(BpfProgram program, string function)
    {
        if (program.AttachType is not (BpfAttachType.TraceFentry or BpfAttachType.TraceFexit))
            throw new ArgumentException($"{program.Name} is not an fentry or fexit program", nameof(program));
        var target = (program.AttachType == BpfAttachType.TraceFentry ? "fentry " : "fexit ") + function;
        var fd = Create(program, 0, program.AttachType.Value, default);
        if (fd < 0 && Libc.LastErrno == Errno.EINVAL)
        {
            // A kernel whose BPF_LINK_CREATE does not know tracing programs yet.
            Libc.BpfRawTracepointAttr attr = default;
            attr.ProgFd = (uint)program.Fd.Value;
            fd = Libc.Bpf(Libc.BPF_RAW_TRACEPOINT_OPEN, &attr);
            return new TracingLink(target, SafeFileDescriptor.FromResult(fd, "bpf(BPF_RAW_TRACEPOINT_OPEN)", target));
        }
        return new TracingLink(target, SafeFileDescriptor.FromResult(fd, "bpf(BPF_LINK_CREATE)", target));
    }
}
