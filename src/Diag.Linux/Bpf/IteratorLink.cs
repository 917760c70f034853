using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// An iterator program attached to its kernel iterator (BPF_TRACE_ITER, Linux 5.8): task, task_file, tcp,
/// bpf_map... Each pass (<see cref="OpenPass"/>, or <see cref="ReadPass"/> for all its bytes) walks the kernel
/// objects once and returns what the program wrote with seq_write or seq_printf: one read() of a whole table
/// instead of a file per object under /proc.
/// </summary>
internal sealed unsafe class IteratorLink : BpfLink
{
    private IteratorLink(string target, SafeFileDescriptor fd) : base(target, fd)
    {
    }

    /// <summary>Attaches <paramref name="program"/> (loaded with <see cref="BpfAttachType.TraceIterator"/> and the
    /// FUNC id of <c>bpf_iter_TARGET</c>) to iterator <paramref name="iterator"/> ("task", "task_file"...); for the
    /// task iterators, <paramref name="processId"/> limits the walk to one process's threads (Linux 6.1).</summary>
    public static IteratorLink Attach(BpfProgram program, string iterator, int? processId = null)
    {
        if (program.AttachType != BpfAttachType.TraceIterator)
            throw new ArgumentException($"{program.Name} is not an iterator program", nameof(program));
        var target = "iter/" + iterator + (processId is { } p ? $" of process {p}" : "");
        Libc.BpfIterTaskInfo task = new() { Pid = (uint)(processId ?? 0) };
        Libc.BpfLinkCreateAttr attr = default;
        if (processId is not null)
        {
            attr.IterInfo = (ulong)&task;
            attr.IterInfoLength = (uint)sizeof(Libc.BpfIterTaskInfo);
        }
        var fd = Create(program, 0, BpfAttachType.TraceIterator, attr);
        return new IteratorLink(target, SafeFileDescriptor.FromResult(fd, "bpf(BPF_LINK_CREATE)", target));
    }

    /// <summary>Starts a pass (BPF_ITER_CREATE): a descriptor that read() walks to its end.</summary>
    public BpfIteratorReader OpenPass()
    {
        ObjectDisposedException.ThrowIf(Fd.IsClosed, this);
        Libc.BpfIterCreateAttr attr = new() { LinkFd = (uint)Fd.Value };
        var fd = SafeFileDescriptor.FromResult(Libc.Bpf(Libc.BPF_ITER_CREATE, &attr), "bpf(BPF_ITER_CREATE)", Target);
        return new BpfIteratorReader(fd, Target);
    }

    /// <summary>The bytes of one whole pass.</summary>
    public byte[] ReadPass()
    {
        using var reader = OpenPass();
        return reader.ReadToEnd();
    }
}
