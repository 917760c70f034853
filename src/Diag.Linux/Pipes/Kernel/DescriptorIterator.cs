using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes.Kernel;

/// <summary>
/// Get-PipePeer's pass over every process's descriptor table in the kernel: a BPF task_file iterator that
/// returns each pipe, FIFO and socket descriptor's inode, type and open mode in a few read() calls, instead of a
/// readlink and an lstat per descriptor under /proc. Owns its program, link and maps; nothing outlives Dispose.
/// </summary>
internal sealed unsafe class DescriptorIterator : IDisposable
{
    private const int InodeEntries = 4096;

    private readonly BpfMap _inodes;
    private readonly BpfMap _filterOn;
    private readonly BpfProgram _program;
    private readonly IteratorLink _link;
    private byte[] _buffer = new byte[DescriptorRecord.Size * 4096];

    private DescriptorIterator(BpfMap inodes, BpfMap filterOn, BpfProgram program, IteratorLink link)
    {
        _inodes = inodes;
        _filterOn = filterOn;
        _program = program;
        _link = link;
    }

    /// <summary>The iterator, or null with the reason it cannot be used (no BPF privilege, no BTF, a kernel
    /// without iter/task_file, a PID namespace of our own).</summary>
    public static DescriptorIterator? TryOpen(out string? whyNot)
    {
        whyNot = null;
        if (!PidNamespace.IsInitial())
        {
            whyNot = "this process runs in a PID namespace of its own (a container), and the kernel's iterator sees host process IDs";
            return null;
        }
        BpfMap? inodes = null, filterOn = null;
        BpfProgram? program = null;
        try
        {
            var layout = FileLayout.Running();
            inodes = BpfMap.Create("diag_fd_inodes", BpfMapType.Hash, 8, 1, InodeEntries, Libc.BPF_F_NO_PREALLOC);
            filterOn = BpfMap.Create("diag_fd_filter", BpfMapType.Array, 4, 4, 1);
            var btfId = KernelBtf.Vmlinux!.Function("bpf_iter_task_file")?.Id
                ?? throw new KernelLayoutException($"this kernel (Linux {KernelBtf.Release}) has no task_file iterator (Linux 5.8)", null, null);
            program = BpfProgram.LoadTracing("diag_fds", DescriptorIteratorProgram.Build(layout, inodes, filterOn), BpfAttachType.TraceIterator, btfId);
            var link = IteratorLink.Attach(program, "task_file");
            return new DescriptorIterator(inodes, filterOn, program, link);
        }
        catch (Exception e) when (e is SyscallException or KernelLayoutException)
        {
            whyNot = e is SyscallException { Errno: Errno.EPERM or Errno.EACCES }
                ? "loading a BPF program is not permitted (it needs root, or CAP_BPF and CAP_PERFMON)"
                : e is SyscallException s ? $"{s.Syscall} failed with {s.ErrnoName}" : e.Message;
            program?.Dispose();
            filterOn?.Dispose();
            inodes?.Dispose();
            return null;
        }
    }

    /// <summary>One pass over every process's table: the pipe, FIFO and socket descriptors whose inode is one of
    /// <paramref name="inodes"/> (null: all of them). Valid until the next pass.</summary>
    public Span<DescriptorRecord> Read(IReadOnlyCollection<ulong>? inodes)
    {
        bool filter = inodes is not null && inodes.Count <= InodeEntries;
        if (filter)
        {
            foreach (ulong inode in inodes!) _inodes.Update(inode, (byte)1);
        }
        _filterOn.Update(0u, filter ? 1u : 0u);
        using var pass = _link.OpenPass();
        int filled = 0;
        while (true)
        {
            if (_buffer.Length - filled < DescriptorRecord.Size * 256) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n = pass.Read(_buffer.AsSpan(filled));
            if (n == 0) break;
            filled += n;
        }
        return MemoryMarshal.Cast<byte, DescriptorRecord>(_buffer.AsSpan(0, filled - filled % DescriptorRecord.Size));
    }

    public void Dispose()
    {
        _link.Dispose();
        _program.Dispose();
        _filterOn.Dispose();
        _inodes.Dispose();
    }
}
