using static Diag.Linux.Bpf.BpfRegister;

namespace Diag.Linux.Bpf;

/// <summary>
/// A BPF ring buffer (Linux 5.8) and its lost-record counter. Programs reserve a record, fill it and submit it;
/// user space reads the records in order through a mapping (<see cref="OpenReader"/>). When the buffer is full the
/// reservation fails, and the kernel counts nothing: the code blocks here (<see cref="EmitReserve"/>,
/// <see cref="EmitOutput"/>) count every failure in a per-CPU counter, so that the reader can say exactly how many
/// records were lost (<see cref="LostRecords"/>).
/// </summary>
internal sealed class BpfRingBuffer : IDisposable
{
    /// <summary>bpf_ringbuf_submit/output flags: 0 lets the kernel wake the reader only when it has caught up.</summary>
    public const int NoWakeup = 1, ForceWakeup = 2;

    private BpfRingBuffer(BpfMap map, BpfMap lost)
    {
        Map = map;
        Lost = lost;
    }

    /// <summary>The BPF_MAP_TYPE_RINGBUF map.</summary>
    public BpfMap Map { get; }

    /// <summary>A per-CPU array of one u64: records the programs could not reserve.</summary>
    public BpfMap Lost { get; }

    /// <summary>The data area's size: a power of two, a multiple of the page size.</summary>
    public int SizeBytes => Map.MaxEntries;

    /// <summary>Records lost so far, over every CPU.</summary>
    public long LostRecords => (long)Lost.SumPerCpu(0u);

    /// <summary>Creates a ring buffer of <paramref name="sizeBytes"/> (a power of two, at least a page) and its counter.</summary>
    public static BpfRingBuffer Create(string name, int sizeBytes)
    {
        if (sizeBytes < Environment.SystemPageSize || (sizeBytes & (sizeBytes - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, $"a ring buffer's size is a power of two of at least {Environment.SystemPageSize} bytes");
        var map = BpfMap.Create(name, BpfMapType.RingBuffer, 0, 0, sizeBytes);
        try
        {
            var lostName = name[..Math.Min(name.Length, BpfObjectName.MaxLength - 5)] + "_lost";
            return new BpfRingBuffer(map, BpfMap.Create(lostName, BpfMapType.PerCpuArray, 4, 8, 1));
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>Maps the buffer for reading.</summary>
    public BpfRingBufferReader OpenReader() => new(this);

    /// <summary>
    /// r0 = a reserved record of <paramref name="recordSize"/> bytes; when the buffer is full, lost[0] += 1 on
    /// this CPU and goto <paramref name="full"/>. Clobbers r1–r5; <paramref name="keySlot"/> is a 4-byte stack slot
    /// (r10 + slot) for the counter's key. The record must be submitted or discarded on every path.
    /// </summary>
    public void EmitReserve(BpfAssembler a, int recordSize, short keySlot, BpfAssembler.Label full)
    {
        var reserved = a.NewLabel();
        a.LoadMap(R1, Map);
        a.Mov(R2, recordSize);
        a.Mov(R3, 0);
        a.Call(BpfHelper.RingbufReserve);
        a.JumpIf(BpfCondition.NotEqual, R0, 0, reserved);
        EmitCountLost(a, keySlot);
        a.Jump(full);
        a.Mark(reserved);
    }

    /// <summary>bpf_ringbuf_submit(record, flags): the record becomes visible to the reader.</summary>
    public static void EmitSubmit(BpfAssembler a, BpfRegister record, int flags = 0)
    {
        a.Mov(R1, record);
        a.Mov(R2, flags);
        a.Call(BpfHelper.RingbufSubmit);
    }

    /// <summary>bpf_ringbuf_discard(record, flags): the record is dropped; the reader skips it.</summary>
    public static void EmitDiscard(BpfAssembler a, BpfRegister record, int flags = 0)
    {
        a.Mov(R1, record);
        a.Mov(R2, flags);
        a.Call(BpfHelper.RingbufDiscard);
    }

    /// <summary>bpf_ringbuf_output(ring, data, size, 0): copies <paramref name="size"/> bytes at
    /// <paramref name="data"/> (a pointer register other than r1, e.g. r10-based or r6–r9) as one record, counting it
    /// as lost when the buffer is full. Clobbers r0–r5.</summary>
    public void EmitOutput(BpfAssembler a, BpfRegister data, int size, short keySlot)
    {
        if (data == R1)
            throw new ArgumentException("the data pointer cannot be in r1, which takes the map", nameof(data));
        var done = a.NewLabel();
        a.Mov(R2, data);
        a.LoadMap(R1, Map);
        a.Mov(R3, size);
        a.Mov(R4, 0);
        a.Call(BpfHelper.RingbufOutput);
        a.JumpIf(BpfCondition.Equal, R0, 0, done);
        EmitCountLost(a, keySlot);
        a.Mark(done);
    }

    public void Dispose()
    {
        Map.Dispose();
        Lost.Dispose();
    }

    /// <summary>lock lost[0] += 1 (this CPU's value; atomic, since a preemptible program may be interrupted by
    /// another on the same CPU).</summary>
    private void EmitCountLost(BpfAssembler a, short keySlot)
    {
        var done = a.NewLabel();
        a.Store(BpfSize.Word, R10, keySlot, 0);
        a.LoadMap(R1, Lost);
        a.Mov(R2, R10);
        a.Add(R2, keySlot);
        a.Call(BpfHelper.MapLookupElem);
        a.JumpIf(BpfCondition.Equal, R0, 0, done);
        a.Mov(R1, 1);
        a.AtomicAdd(R0, 0, R1);
        a.Mark(done);
    }
}
