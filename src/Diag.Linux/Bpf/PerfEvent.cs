using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// Opens the perf events that BPF programs attach to: a classic tracepoint by id, or a kprobe or uprobe
/// created on the spot through its PMU (<see cref="ProbePmu"/>). Each is a descriptor; closing it removes a
/// probe it created.
/// </summary>
internal static unsafe class PerfEvent
{
    /// <summary>The tracepoint whose tracefs id is <paramref name="id"/>, for every process and CPU (a program
    /// attached to it runs wherever the tracepoint fires, whatever cpu the event was opened on).</summary>
    public static SafeFileDescriptor OpenTracepoint(int id, string description)
    {
        Libc.PerfEventAttr attr = default;
        attr.Type = Libc.PERF_TYPE_TRACEPOINT;
        attr.Size = Libc.PERF_ATTR_SIZE_VER5;
        attr.Config = (ulong)id;
        return SafeFileDescriptor.FromResult(Libc.PerfEventOpen(&attr, -1, 0, -1, Libc.PERF_FLAG_FD_CLOEXEC),
            "perf_event_open(PERF_TYPE_TRACEPOINT)", description);
    }

    /// <summary>A probe of <paramref name="pmu"/> on <paramref name="nameOrPath"/> (a kernel function for kprobes,
    /// an executable or library for uprobes) at <paramref name="offset"/>; a return probe when
    /// <paramref name="retprobe"/>. A uprobe may be limited to one process (<paramref name="pid"/>); -1 is every one.</summary>
    public static SafeFileDescriptor OpenProbe(ProbePmu pmu, string nameOrPath, ulong offset, bool retprobe, int pid, string description)
    {
        var name = Encoding.UTF8.GetBytes(nameOrPath + "\0");
        fixed (byte* n = name)
        {
            Libc.PerfEventAttr attr = default;
            attr.Type = pmu.Type;
            attr.Size = Libc.PERF_ATTR_SIZE_VER5;
            attr.Config = retprobe ? 1UL << pmu.RetprobeBit : 0;
            attr.Config1 = (ulong)n;   // kprobe_func or uprobe_path
            attr.Config2 = offset;     // probe_offset
            // pid -1 needs a cpu; a process filter needs cpu -1 (every CPU the process runs on).
            var fd = Libc.PerfEventOpen(&attr, pid, pid == -1 ? 0 : -1, -1, Libc.PERF_FLAG_FD_CLOEXEC);
            return SafeFileDescriptor.FromResult(fd, $"perf_event_open({pmu.Name})", description);
        }
    }
}
