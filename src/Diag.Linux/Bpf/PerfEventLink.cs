using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// A program attached to a perf event: a classic tracepoint (by its tracefs id), a kprobe or kretprobe, a
/// uprobe or uretprobe. The program is attached with a bpf_link (BPF_LINK_CREATE, Linux 5.15) or, on older
/// kernels, PERF_EVENT_IOC_SET_BPF; either way this object owns the event too, and disposing it detaches the
/// program and removes the probe.
/// </summary>
internal sealed class PerfEventLink : BpfLink
{
    private readonly SafeFileDescriptor? _event; // null when Fd is the event itself (ioctl attachment)

    private PerfEventLink(string target, SafeFileDescriptor fd, SafeFileDescriptor? perfEvent) : base(target, fd) => _event = perfEvent;

    public override bool IsBpfLink => _event is not null;

    /// <summary>Attaches a tracepoint program to tracepoint <paramref name="category"/>:<paramref name="name"/>,
    /// whose id is read from tracefs under <paramref name="root"/> (see <see cref="TraceFs.TracepointId"/>).</summary>
    public static PerfEventLink AttachTracepoint(BpfProgram program, string category, string name, string root = "/") =>
        AttachTracepoint(program, category, name, TraceFs.TracepointId(category, name, root));

    /// <summary>Attaches a tracepoint program to the tracepoint whose tracefs id is <paramref name="id"/>.</summary>
    public static PerfEventLink AttachTracepoint(BpfProgram program, string category, string name, int id)
    {
        RequireType(program, BpfProgramType.Tracepoint);
        var target = $"tracepoint {category}:{name}";
        return Attach(program, PerfEvent.OpenTracepoint(id, target), target);
    }

    /// <summary>Attaches a kprobe program to kernel function <paramref name="function"/> (+<paramref name="offset"/>),
    /// or to its return with <paramref name="retprobe"/>. Throws <see cref="BpfFeatureUnavailableException"/> when the
    /// kernel has no kprobes.</summary>
    public static PerfEventLink AttachKprobe(BpfProgram program, string function, bool retprobe = false, ulong offset = 0)
    {
        RequireType(program, BpfProgramType.Kprobe);
        var target = (retprobe ? "kretprobe " : "kprobe ") + function + (offset == 0 ? "" : "+" + offset);
        return Attach(program, PerfEvent.OpenProbe(ProbePmu.Kprobe(), function, offset, retprobe, -1, target), target);
    }

    /// <summary>Attaches a kprobe-type program to the instruction at file offset <paramref name="offset"/> of
    /// <paramref name="path"/> (an executable or shared library), or to the return of the function there with
    /// <paramref name="retprobe"/>; in one process (<paramref name="processId"/>) or, with -1, in every one.</summary>
    public static PerfEventLink AttachUprobe(BpfProgram program, string path, ulong offset, bool retprobe = false, int processId = -1)
    {
        RequireType(program, BpfProgramType.Kprobe);
        var target = $"{(retprobe ? "uretprobe" : "uprobe")} {path}+0x{offset:x}" + (processId == -1 ? "" : $" in process {processId}");
        return Attach(program, PerfEvent.OpenProbe(ProbePmu.Uprobe(), path, offset, retprobe, processId, target), target);
    }

    /// <summary>Attaches a kprobe-type program to the code at <paramref name="address"/> in process
    /// <paramref name="processId"/> (e.g. a function found in its memory), in that process only: the address is
    /// turned into the file and file offset of its mapping (<c>/proc/PID/maps</c>), which is what a uprobe takes.</summary>
    public static PerfEventLink AttachUprobeAt(BpfProgram program, int processId, ulong address, bool retprobe = false)
    {
        var mapping = Stacks.MemoryMap.Read(processId)?.Find(address)
            ?? throw new ArgumentException($"0x{address:x} is not mapped in process {processId} (or the process is gone)", nameof(address));
        if (!mapping.IsFile || mapping.IsDeleted)
            throw new ArgumentException($"0x{address:x} in process {processId} is not in a mapped file ({mapping.Path})", nameof(address));
        return AttachUprobe(program, mapping.FilePath, address - mapping.Start + mapping.Offset, retprobe, processId);
    }

    /// <summary>Attaches <paramref name="program"/> to an open perf event, which this link then owns (closed here on failure).</summary>
    public static unsafe PerfEventLink Attach(BpfProgram program, SafeFileDescriptor perfEvent, string target)
    {
        try
        {
            var fd = Create(program, (uint)perfEvent.Value, BpfAttachType.PerfEvent, default);
            PerfEventLink link;
            if (fd >= 0)
            {
                link = new PerfEventLink(target, new SafeFileDescriptor(fd), perfEvent);
            }
            else if (Libc.LastErrno == Errno.EINVAL)
            {
                // Before Linux 5.15 a perf event takes its program by ioctl.
                if (Libc.IoctlValue(perfEvent, Libc.PERF_EVENT_IOC_SET_BPF, program.Fd.Value) != 0)
                    throw SyscallException.FromLastError("ioctl(PERF_EVENT_IOC_SET_BPF)", target);
                link = new PerfEventLink(target, perfEvent, null);
            }
            else
            {
                throw SyscallException.FromLastError("bpf(BPF_LINK_CREATE)", target);
            }
            if (Libc.IoctlValue(perfEvent, Libc.PERF_EVENT_IOC_ENABLE, 0) != 0)
            {
                var error = SyscallException.FromLastError("ioctl(PERF_EVENT_IOC_ENABLE)", target);
                link.Dispose();
                throw error;
            }
            return link;
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }

    public override void Dispose()
    {
        base.Dispose();     // the link first: the program is detached before the event goes
        _event?.Dispose();
    }

    private static void RequireType(BpfProgram program, BpfProgramType type)
    {
        if (program.Type != type || program.AttachType is not null)
            throw new ArgumentException($"{program.Name} is a {program.Type} program{(program.AttachType is { } a ? $" for {a}" : "")}; this link takes a plain {type} program", nameof(program));
    }
}
