using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// Get-ThreadCpu's one pass in the kernel: a BPF task iterator that returns a <see cref="TaskRecord"/> for every
/// thread (or every thread of the selected processes) in a few read() calls, instead of stat, schedstat, status,
/// syscall and wchan per thread under /proc. Owns its program, link and maps; nothing outlives Dispose.
/// </summary>
internal sealed unsafe class ThreadIterator : IDisposable
{
    private const int FilterEntries = 4096;

    private readonly BpfMap _format;
    private readonly BpfMap _passKind;
    private readonly BpfMap? _filter;
    private readonly BpfProgram _program;
    private readonly IteratorLink _link;
    private byte[] _buffer = new byte[TaskRecord.Size * 512];
    private bool _full;

    private ThreadIterator(BpfMap format, BpfMap passKind, BpfMap? filter, BpfProgram program, IteratorLink link)
    {
        _format = format;
        _passKind = passKind;
        _filter = filter;
        _program = program;
        _link = link;
    }

    /// <summary>The iterator, or null with the reason it cannot be used here (no BPF privilege, no BTF, a kernel
    /// older than 5.15, a PID namespace of our own). <paramref name="filterProcesses"/>: report only the thread
    /// groups added with <see cref="AddProcess"/>; otherwise every thread on the machine.</summary>
    public static ThreadIterator? TryOpen(bool filterProcesses, out string? whyNot)
    {
        whyNot = null;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            whyNot = "the task iterator reads x86_64 registers";
            return null;
        }
        if (!PidNamespace.IsInitial())
        {
            whyNot = "this process runs in a PID namespace of its own (a container), and the kernel's task iterator sees host thread IDs";
            return null;
        }
        BpfMap? format = null, passKind = null, filter = null;
        BpfProgram? program = null;
        try
        {
            var layout = TaskLayout.Running();
            format = BpfMap.CreateReadOnlyData("diag_wchan_fmt", TaskIteratorProgram.WaitChannelFormat);
            passKind = BpfMap.Create("diag_task_pass", BpfMapType.Array, 4, 4, 1);
            if (filterProcesses) filter = BpfMap.Create("diag_task_sel", BpfMapType.Hash, 4, 4, FilterEntries);
            var btfId = KernelBtf.Vmlinux!.Function("bpf_iter_task")?.Id
                ?? throw new KernelLayoutException($"this kernel (Linux {KernelBtf.Release}) has no task iterator (bpf_iter_task, Linux 5.8)", null, null);
            program = BpfProgram.LoadTracing("diag_threads", TaskIteratorProgram.Build(layout, filter, format, passKind), BpfAttachType.TraceIterator, btfId);
            var link = IteratorLink.Attach(program, "task");
            return new ThreadIterator(format, passKind, filter, program, link);
        }
        catch (Exception e) when (e is SyscallException or KernelLayoutException)
        {
            whyNot = Describe(e);
            program?.Dispose();
            filter?.Dispose();
            passKind?.Dispose();
            format?.Dispose();
            return null;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        SyscallException { Errno: Errno.EPERM or Errno.EACCES } =>
            "loading a BPF program is not permitted (it needs root, or CAP_BPF and CAP_PERFMON)",
        BpfProgramRejectedException rejected =>
            $"the kernel refused the task iterator program ({rejected.ErrnoName}; it needs Linux 5.15 or later: bpf_task_pt_regs)",
        SyscallException s => $"{s.Syscall} failed with {s.ErrnoName}",
        _ => e.Message,
    };

    /// <summary>Reports the threads of thread group <paramref name="processId"/> from the next pass on; false when
    /// the filter is full (the caller then reads without the iterator).</summary>
    public bool AddProcess(int processId)
    {
        if (_filter is null) return true;
        try
        {
            _filter.Update((uint)processId, 1u);
            return true;
        }
        catch (SyscallException e) when (e.Errno == Errno.E2BIG)
        {
            return false;
        }
    }

    /// <summary>True when only the processes given to <see cref="AddProcess"/> are reported.</summary>
    public bool Filters => _filter is not null;

    /// <summary>One pass: every record, in the order the kernel walked the threads; valid until the next pass. A
    /// light pass (<paramref name="full"/> false) leaves out the namespace IDs, the system call and the wait channel.</summary>
    public Span<TaskRecord> Read(bool full)
    {
        if (full != _full)
        {
            _passKind.Update(0u, full ? 1u : 0u);
            _full = full;
        }
        using var pass = _link.OpenPass();
        int filled = 0;
        while (true)
        {
            if (_buffer.Length - filled < TaskRecord.Size * 64) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n = pass.Read(_buffer.AsSpan(filled));
            if (n == 0) break;
            filled += n;
        }
        // The kernel never splits one thread's record across reads, so the pass is whole records.
        return MemoryMarshal.Cast<byte, TaskRecord>(_buffer.AsSpan(0, filled - filled % TaskRecord.Size));
    }

    public void Dispose()
    {
        _link.Dispose();
        _program.Dispose();
        _filter?.Dispose();
        _passKind.Dispose();
        _format.Dispose();
    }
}
