using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.Pipes.Kernel;

/// <summary>Where the descriptor iterator finds a file's inode, type, device and modes in the running kernel
/// (from its BTF). A record of numbers, so that the program's reviewed listing can use fixed ones.</summary>
internal sealed record FileLayout
{
    public required short TaskPid { get; init; }
    public required short TaskTgid { get; init; }
    public required short FileMode { get; init; }
    public required short FileFlags { get; init; }
    public required short FileInode { get; init; }
    public required short InodeMode { get; init; }
    public required short InodeNumber { get; init; }
    public required short InodeSuperBlock { get; init; }
    public required short SuperBlockDevice { get; init; }
    public required short SuperBlockMagic { get; init; }
    public required short InodePipe { get; init; }
    /// <summary>pipe_inode_info: head and tail (32-bit pipe_index_t), max_usage, ring_size, bufs; pipe_buffer's size and len.</summary>
    public required short PipeHead { get; init; }
    public required short PipeTail { get; init; }
    public required short PipeMaxUsage { get; init; }
    public required short PipeRingSize { get; init; }
    public required short PipeBuffers { get; init; }
    public required short PipeBufferSize { get; init; }
    public required short PipeBufferLength { get; init; }

    /// <summary>The running kernel's layout; throws <see cref="KernelLayoutException"/> naming what it lacks (a pipe
    /// index that is not 32 bits wide included: the program sums 32-bit indexes).</summary>
    public static FileLayout Running()
    {
        var btf = BtfLayout.Running();
        if (btf.Field("pipe_inode_info", "head") is { IsBitfield: true } or { SizeBytes: not 4 })
            throw new KernelLayoutException($"this kernel's ({btf.Kernel}) pipe ring indexes are not 32 bits wide", "pipe_inode_info", "head");
        return new FileLayout
        {
            TaskPid = btf.Offset("task_struct", "pid"),
            TaskTgid = btf.Offset("task_struct", "tgid"),
            FileMode = btf.Offset("file", "f_mode"),
            FileFlags = btf.Offset("file", "f_flags"),
            FileInode = btf.Offset("file", "f_inode"),
            InodeMode = btf.Offset("inode", "i_mode"),
            InodeNumber = btf.Offset("inode", "i_ino"),
            InodeSuperBlock = btf.Offset("inode", "i_sb"),
            SuperBlockDevice = btf.Offset("super_block", "s_dev"),
            SuperBlockMagic = btf.Offset("super_block", "s_magic"),
            InodePipe = btf.Offset("inode", "i_pipe"),
            PipeHead = btf.Offset("pipe_inode_info", "head"),
            PipeTail = btf.Offset("pipe_inode_info", "tail"),
            PipeMaxUsage = btf.Offset("pipe_inode_info", "max_usage"),
            PipeRingSize = btf.Offset("pipe_inode_info", "ring_size"),
            PipeBuffers = btf.Offset("pipe_inode_info", "bufs"),
            PipeBufferSize = (short)btf.SizeOf("pipe_buffer"),
            PipeBufferLength = btf.Offset("pipe_buffer", "len"),
        };
    }
}
