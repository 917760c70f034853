using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// A program attached somewhere, for as long as this object's descriptors are open: disposing (or the
/// finalizer, or the process's death) detaches it. The program stops running once the kernel's RCU grace
/// period ends; the kernel frees the program when no link and no descriptor holds it.
/// </summary>
internal abstract class BpfLink : IDisposable
{
    protected BpfLink(string target, SafeFileDescriptor fd)
    {
        Target = target;
        Fd = fd;
    }

    /// <summary>Where the program is attached, for messages: "raw_tracepoint sys_exit", "fentry do_unlinkat".</summary>
    public string Target { get; }

    /// <summary>The bpf_link's descriptor (for a perf event attached by ioctl, the event's).</summary>
    public SafeFileDescriptor Fd { get; }

    /// <summary>True when <see cref="Fd"/> is a bpf_link (it then has an <see cref="Id"/>).</summary>
    public virtual bool IsBpfLink => true;

    /// <summary>The link's kernel-wide id (what bpftool link show lists).</summary>
    public uint Id => IsBpfLink ? BpfObjectId.Of(Fd) : throw new InvalidOperationException($"{Target} is attached without a bpf_link");

    public virtual void Dispose() => Fd.Dispose();

    public override string ToString() => Target;

    /// <summary>bpf(BPF_LINK_CREATE) for <paramref name="program"/>: the new link's descriptor, or -1 with errno set.</summary>
    protected static unsafe int Create(BpfProgram program, uint targetFd, BpfAttachType attachType, Libc.BpfLinkCreateAttr attr)
    {
        attr.ProgFd = (uint)program.Fd.Value;
        attr.TargetFd = targetFd;
        attr.AttachType = (uint)attachType;
        return Libc.Bpf(Libc.BPF_LINK_CREATE, &attr);
    }
}
