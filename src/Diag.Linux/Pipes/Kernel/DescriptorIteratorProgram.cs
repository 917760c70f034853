using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using R = Diag.Linux.Pipes.Kernel.DescriptorRecord;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Pipes.Kernel;

/// <summary>
/// The iter/task_file program of Get-PipePeer: for each pipe, FIFO and socket descriptor of each process one
/// <see cref="DescriptorRecord"/>, written with one seq_write; every other descriptor (files, devices, eventfds)
/// costs a type test. Only a process's own table is walked, as /proc/PID/fd shows it (the kernel already skips
/// threads that share their leader's table; a thread with a table of its own is left out here too). With the
/// inode filter switched on (a u32 in <c>filterOn</c>), only descriptors whose inode is in the filter map are
/// written: the peers of one pipe cost the machine no more than a pass over its tables.
/// </summary>
internal static class DescriptorIteratorProgram
{
    public const int PipeFsMagic = 0x50495045; // PIPEFS_MAGIC
    private const int TypeMask = 0xF000, TypeFifo = 0x1000, TypeSocket = 0xC000;
    private const short Record = -R.Size;

    /// <summary>Pipe buffers the program sums for a pipe's fill: a default pipe has 16; a fuller ring is read
    /// through a copied descriptor instead (FIONREAD).</summary>
    public const int SummedBuffers = 16;

    /// <summary><paramref name="inodes"/>: u64 inode → u8, consulted when <paramref name="filterOn"/>'s one u32 is not 0.</summary>
    public static BpfInstruction[] Build(FileLayout layout, BpfMap inodes, BpfMap filterOn)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        var socket = a.NewLabel();
        var kindDone = a.NewLabel();
        var write = a.NewLabel();
        a.Load(S.DoubleWord, R2, R1, 0);                         // ctx->meta
        a.Load(S.DoubleWord, R6, R2, 0);                         // meta->seq
        a.Load(S.DoubleWord, R7, R1, 8);                         // ctx->task
        a.Load(S.Word, R8, R1, 16);                              // ctx->fd
        a.Load(S.DoubleWord, R9, R1, 24);                        // ctx->file, NULL after the last one
        a.JumpIf(C.Equal, R9, 0, @out);
        a.JumpIf(C.Equal, R7, 0, @out);
        a.Load(S.Word, R1, R7, layout.TaskPid);
        a.Load(S.Word, R2, R7, layout.TaskTgid);
        a.JumpIf(C.NotEqual, R1, R2, @out);                      // the process's table, not a thread's own

        a.Load(S.DoubleWord, R3, R9, layout.FileInode);
        a.Load(S.HalfWord, R4, R3, layout.InodeMode);
        a.Mov(R5, R4);
        a.And(R5, TypeMask);
        a.JumpIf(C.Equal, R5, TypeSocket, socket);
        a.JumpIf(C.NotEqual, R5, TypeFifo, @out);

        // A pipe or FIFO: a FIFO inode on pipefs is pipe(2)'s, any other is a named pipe.
        a.Load(S.DoubleWord, R5, R3, layout.InodeSuperBlock);
        a.Load(S.DoubleWord, R5, R5, layout.SuperBlockMagic);
        a.Store(S.Byte, R10, (short)(Record + R.OffKind), R.KindFifo);
        a.JumpIf(C.NotEqual, R5, PipeFsMagic, kindDone);
        a.Store(S.Byte, R10, (short)(Record + R.OffKind), R.KindPipe);
        a.Jump(kindDone);
        a.Mark(socket);
        a.Store(S.Byte, R10, (short)(Record + R.OffKind), R.KindSocket);
        a.Mark(kindDone);

        a.Store(S.Byte, R10, (short)(Record + R.OffKind + 1), 0);
        a.Store(S.Word, R10, (short)(Record + R.OffTgid), R2);
        a.Store(S.Word, R10, (short)(Record + R.OffFd), R8);
        a.Store(S.HalfWord, R10, (short)(Record + R.OffInodeMode), R4);
        a.Load(S.DoubleWord, R1, R3, layout.InodeNumber);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffInode), R1);
        a.Load(S.DoubleWord, R1, R3, layout.InodeSuperBlock);
        a.Load(S.Word, R1, R1, layout.SuperBlockDevice);
        a.Store(S.Word, R10, (short)(Record + R.OffDevice), R1);
        a.Load(S.Word, R1, R9, layout.FileMode);
        a.Store(S.Word, R10, (short)(Record + R.OffFileMode), R1);
        a.Load(S.Word, R1, R9, layout.FileFlags);
        a.Store(S.Word, R10, (short)(Record + R.OffFileFlags), R1);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffBuffered), -1);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffCapacity), 0);

        // The filter before the fill: a descriptor nobody asked about costs no more.
        var filtered = a.NewLabel();
        a.LoadMapValue(R1, filterOn, 0);
        a.Load(S.Word, R1, R1, 0);
        a.JumpIf(C.Equal, R1, 0, filtered);
        a.LoadMap(R1, inodes);
        a.Mov(R2, R10);
        a.Add(R2, (short)(Record + R.OffInode));                 // the record's inode is the key
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(C.Equal, R0, 0, @out);
        a.Mark(filtered);

        a.Load(S.Byte, R1, R10, (short)(Record + R.OffKind));
        a.JumpIf(C.Equal, R1, R.KindSocket, write);
        PipeFill(a, layout, write);

        a.Mark(write);
        a.Mov(R1, R6);
        a.Mov(R2, R10);
        a.Add(R2, Record);
        a.Mov(R3, R.Size);
        a.Call(BpfHelper.SeqWrite);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    // Below the record: the ring's count, tail and mask, its buffers, one buffer's length.
    private const short Count = Record - 8, Tail = Record - 16, Mask = Record - 24, Buffers = Record - 32, Length = Record - 40;

    /// <summary>
    /// record.Capacity = max_usage pages and record.Buffered = the lengths of the buffers from tail to head, as
    /// F_GETPIPE_SZ and FIONREAD compute them (without the pipe's mutex: a fill read while someone reads or writes
    /// is as of some instant of that). The sum is unrolled over <see cref="SummedBuffers"/> buffers; a pipe with
    /// more in use keeps Buffered -1.
    /// </summary>
    private static void PipeFill(BpfAssembler a, FileLayout layout, BpfAssembler.Label done)
    {
        a.Load(S.DoubleWord, R3, R9, layout.FileInode);
        a.Load(S.DoubleWord, R1, R3, layout.InodePipe);
        a.JumpIf(C.Equal, R1, 0, done);
        a.Load(S.Word, R2, R1, layout.PipeMaxUsage);
        a.Mul32(R2, 4096);                                       // PAGE_SIZE on x86_64
        a.Store(S.Word, R10, (short)(Record + R.OffCapacity), R2);
        a.Load(S.Word, R4, R1, layout.PipeHead);
        a.Load(S.Word, R5, R1, layout.PipeTail);
        a.Sub32(R4, R5);                                         // buffers in use (pipe indexes wrap at 32 bits)
        a.JumpIf(C.Greater, R4, SummedBuffers, done);
        a.Store(S.DoubleWord, R10, (short)(Record + R.OffBuffered), 0);
        a.JumpIf(C.Equal, R4, 0, done);
        a.Store(S.DoubleWord, R10, Count, R4);
        a.Store(S.DoubleWord, R10, Tail, R5);
        a.Load(S.Word, R2, R1, layout.PipeRingSize);
        a.Sub32(R2, 1);
        a.Store(S.DoubleWord, R10, Mask, R2);
        a.Load(S.DoubleWord, R2, R1, layout.PipeBuffers);
        a.Store(S.DoubleWord, R10, Buffers, R2);
        for (int i = 0; i < SummedBuffers; i++)
        {
            a.Load(S.DoubleWord, R1, R10, Count);
            a.JumpIf(C.LessOrEqual, R1, i, done);
            a.Load(S.DoubleWord, R3, R10, Tail);
            a.Add32(R3, i);
            a.Load(S.DoubleWord, R2, R10, Mask);
            a.And32(R3, R2);                                     // the slot: (tail + i) & (ring_size - 1)
            a.Mul(R3, layout.PipeBufferSize);
            a.Load(S.DoubleWord, R1, R10, Buffers);
            a.Add(R3, R1);
            a.Add(R3, layout.PipeBufferLength);
            a.Store(S.DoubleWord, R10, Length, 0);
            a.Mov(R1, R10);
            a.Add(R1, Length);
            a.Mov(R2, 4);
            a.Call(BpfHelper.ProbeReadKernel);
            a.Load(S.DoubleWord, R1, R10, (short)(Record + R.OffBuffered));
            a.Load(S.DoubleWord, R2, R10, Length);
            a.Add(R1, R2);
            a.Store(S.DoubleWord, R10, (short)(Record + R.OffBuffered), R1);
        }
    }
}
