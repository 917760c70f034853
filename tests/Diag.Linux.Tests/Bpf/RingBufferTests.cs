using System.Buffers.Binary;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// The ring buffer: a program writes one numbered record per getrusage call of this thread; the reader gets
/// them in order, waits for them on epoll, stops on cancellation, a timeout or Dispose; and when the buffer
/// overflows, every record is either received or counted as lost, exactly.
/// </summary>
public sealed class RingBufferTests
{
    /// <summary>Bytes of a record: u64 sequence number, u32 thread id, padding to 64.</summary>
    private const int RecordSize = 64;

    [Fact]
    public void AnOverflowingBufferReportsExactlyTheRecordsItLost()
    {
        using var ring = BpfRingBuffer.Create("diag_test_ring", Environment.SystemPageSize); // room for a few dozen records
        using var sequence = BpfMap.Create("diag_test_seq", BpfMapType.Array, 4, 8, 1);
        var tid = Libc.GetTid();
        using var program = BpfProgram.LoadRawTracepoint("diag_test_ring", Numbered(ring, sequence, tid));
        using var reader = ring.OpenReader();
        const int Produced = 1000;
        using (RawTracepointLink.Attach(program, "sys_enter"))
            Getrusage(Produced); // nobody reads meanwhile: the buffer fills up

        var received = new List<long>();
        reader.Consume(record => received.Add(BinaryPrimitives.ReadInt64LittleEndian(record)));
        Assert.Equal(0L, reader.PendingBytes);
        Assert.Equal(Produced, received.Count + reader.LostRecords);
        Assert.InRange(reader.LostRecords, 1, Produced - 1);
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => (long)i), received); // the first ones, in order
        Assert.Equal(received.Count, reader.ReceivedRecords);
        Assert.True(sequence.TryLookup(0u, out ulong numbered));
        Assert.Equal((ulong)Produced, numbered);

        // Read, the buffer has room again: nothing more is lost.
        var lost = reader.LostRecords;
        using (RawTracepointLink.Attach(program, "sys_enter"))
            Getrusage(10);
        var more = new List<long>();
        Assert.Equal(10, reader.Consume(record => more.Add(BinaryPrimitives.ReadInt64LittleEndian(record))));
        Assert.Equal(Enumerable.Range(Produced, 10).Select(i => (long)i), more);
        Assert.Equal(lost, reader.LostRecords);
    }

    [Fact]
    public void PollWaitsOnEpollUntilRecordsComeAndHandsThemOut()
    {
        using var ring = BpfRingBuffer.Create("diag_test_ring", 16 * Environment.SystemPageSize);
        using var sequence = BpfMap.Create("diag_test_seq", BpfMapType.Array, 4, 8, 1);
        var tid = Libc.GetTid();
        using var program = BpfProgram.LoadRawTracepoint("diag_test_ring", Numbered(ring, sequence, tid));
        using var reader = ring.OpenReader();
        using var link = RawTracepointLink.Attach(program, "sys_enter");

        var waiting = new ManualResetEventSlim();
        var poll = Task.Run(() =>
        {
            var records = new List<long>();
            waiting.Set();
            while (records.Count < 5)
                reader.Poll(record => records.Add(BinaryPrimitives.ReadInt64LittleEndian(record)), Timeout.InfiniteTimeSpan);
            return records;
        });
        waiting.Wait();
        Getrusage(5);
        Assert.True(poll.Wait(TimeSpan.FromSeconds(30)), "the waiting reader woke up for the records");
        Assert.Equal([0L, 1, 2, 3, 4], poll.Result);
        Assert.Equal(0, reader.LostRecords);
    }

    [Fact]
    public void PollEndsOnCancellationOnTimeoutAndOnDispose()
    {
        using var ring = BpfRingBuffer.Create("diag_test_ring", Environment.SystemPageSize);
        var reader = ring.OpenReader();
        var none = new BpfRecordHandler(_ => Assert.Fail("no record was written"));

        Assert.Equal(0, reader.Poll(none, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(0, reader.Poll(none, TimeSpan.Zero));

        using var cancellation = new CancellationTokenSource();
        var cancelled = Task.Run(() => reader.Poll(none, Timeout.InfiniteTimeSpan, cancellation.Token));
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(50));
        Assert.True(((IAsyncResult)cancelled).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "cancellation ended the wait");
        Assert.IsAssignableFrom<OperationCanceledException>(cancelled.Exception!.InnerException);

        // Still usable after a cancelled wait.
        Assert.Equal(0, reader.Poll(none, TimeSpan.Zero));

        var disposed = Task.Run(() => reader.Poll(none, Timeout.InfiniteTimeSpan));
        Thread.Sleep(50); // let it reach epoll_wait (either way it must end)
        reader.Dispose();
        Assert.True(((IAsyncResult)disposed).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "Dispose ended the wait");
        Assert.IsType<ObjectDisposedException>(disposed.Exception!.InnerException);
        Assert.Throws<ObjectDisposedException>(() => reader.Consume(none));
        reader.Dispose();
    }

    [Fact]
    public void OutputCopiesARecordAndCountsWhatDoesNotFit()
    {
        using var ring = BpfRingBuffer.Create("diag_test_ring", Environment.SystemPageSize);
        var tid = Libc.GetTid();
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.JumpIf32(C.NotEqual, R0, tid, @out);
        a.Load(S.DoubleWord, R1, R6, 8);
        a.JumpIf(C.NotEqual, R1, GetrusageNumber, @out);
        for (short offset = -496; offset < 0; offset += 8)
            a.Store(S.DoubleWord, R10, offset, 0x5a);
        a.Mov(R7, R10);
        a.Add(R7, -496);
        ring.EmitOutput(a, R7, 496, keySlot: -500);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        using var program = BpfProgram.LoadRawTracepoint("diag_test_output", a.Build());
        using var reader = ring.OpenReader();
        using (RawTracepointLink.Attach(program, "sys_enter"))
            Getrusage(20); // 8 records of 504 bytes with their headers fit in a page
        var sizes = new List<int>();
        reader.Consume(record =>
        {
            sizes.Add(record.Length);
            Assert.Equal(0x5a, record[0]);
        });
        Assert.Equal(20, sizes.Count + reader.LostRecords);
        Assert.All(sizes, s => Assert.Equal(496, s));
        Assert.True(reader.LostRecords > 0);
    }

    [Fact]
    public void ASizeThatIsNotAPowerOfTwoPagesIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BpfRingBuffer.Create("diag_test_ring", 3 * Environment.SystemPageSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpfRingBuffer.Create("diag_test_ring", 1024));
    }

    /// <summary>For each getrusage of thread <paramref name="tid"/>: n = sequence++ (an array value addressed
    /// directly), then a record { n, tid } reserved, written and submitted; a full buffer counts as lost.</summary>
    internal static BpfInstruction[] Numbered(BpfRingBuffer ring, BpfMap sequence, int tid)
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();
        a.Mov(R6, R1);
        a.Call(BpfHelper.GetCurrentPidTgid);
        a.JumpIf32(C.NotEqual, R0, tid, @out);
        a.Load(S.DoubleWord, R1, R6, 8);
        a.JumpIf(C.NotEqual, R1, GetrusageNumber, @out);
        a.LoadMapValue(R7, sequence, 0);
        a.Load(S.DoubleWord, R8, R7, 0);                    // n (one thread writes it: no race)
        a.Mov(R1, R8);
        a.Add(R1, 1);
        a.Store(S.DoubleWord, R7, 0, R1);
        ring.EmitReserve(a, RecordSize, keySlot: -4, full: @out);
        a.Store(S.DoubleWord, R0, 0, R8);
        a.Store(S.Word, R0, 8, tid);
        BpfRingBuffer.EmitSubmit(a, R0);
        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }
}
