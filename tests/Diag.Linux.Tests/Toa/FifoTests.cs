using System.Diagnostics;
using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;
using P = Diag.TestSupport.TestPackets;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// A live capture read through a FIFO (<c>tcpdump -U -w FIFO</c>): records arrive as the writer writes them, the
/// end comes when it closes the FIFO, and a FIFO nobody writes to is waited on in a way that Ctrl+C (the token)
/// and the time limit end, where a blocking open never returns.
/// </summary>
public sealed class FifoTests : IDisposable
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60); // only a hang takes this long
    private readonly string _fifo = Path.Combine(Path.GetTempPath(), $"diag-toa-{Environment.ProcessId}-{Guid.NewGuid():N}.fifo");
    private readonly List<TruthPacket> _packets = ToaTruth.Packets();

    public FifoTests()
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { _fifo } })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Dispose() => File.Delete(_fifo);

    [Fact]
    public void AFifoWithoutAWriterIsWaitedOnUntilCancelled()
    {
        var reader = new ToaCaptureReader(ToaKindMap.Default);
        using var cancel = new CancellationTokenSource();
        var items = new List<object>();
        var reading = Task.Run(() => { foreach (var item in reader.Read(_fifo, cancel.Token)) items.Add(item); });
        Assert.True(SpinWait.SpinUntil(() => reader.WaitingForWriter || reading.IsCompleted, Hang), "the reader never started waiting");
        Assert.False(reading.IsCompleted, "the reader gave up on a FIFO that nobody has opened yet");
        cancel.Cancel();
        Assert.True(reading.Wait(Hang), "cancelling did not end the wait for a writer");
        Assert.All(items, i => Assert.IsType<ToaReadProgress>(i)); // stopped by the user: nothing to report
        Assert.NotEmpty(items); // the wait was shown, one tick at a time
    }

    [Fact]
    public void AFifoWithoutAWriterIsOneNoticeWhenTheTimeLimitPasses()
    {
        var reader = new ToaCaptureReader(ToaKindMap.Default);
        var reading = Task.Run(() => Decoded.Of(reader.Read(_fifo, default, TimeSpan.FromMilliseconds(300)).ToList()));
        Assert.True(reading.Wait(Hang), "the time limit did not end the wait for a writer");
        var notice = Assert.Single(reading.Result.Notices);
        Assert.Equal(ToaNoticeKind.NoWriter, notice.Kind);
        Assert.Contains("tcpdump -U -w " + _fifo, notice.Message);
        Assert.Empty(reading.Result.Problems);
    }

    [Fact]
    public void RecordsArriveAsTheWriterWritesThemAndTheEndIsWhenItCloses()
    {
        var reader = new ToaCaptureReader(ToaKindMap.Default);
        using var firstTwo = new SemaphoreSlim(0);
        var items = new List<object>();
        var reading = Task.Run(() =>
        {
            foreach (var item in reader.Read(_fifo))
            {
                items.Add(item);
                if (items.OfType<ToaRecord>().Count() == 2 && item is ToaRecord) firstTwo.Release();
            }
        });
        var writing = Task.Run(() =>
        {
            using var fifo = new FileStream(_fifo, FileMode.Open, FileAccess.Write);
            using var writer = CaptureWriter.Pcap(fifo, CaptureWriter.Ethernet);
            // The first packets, then wait with the FIFO open until the reader has decoded them, as a quiet live capture does.
            const int half = 2; // packets 1 and 2 carry a TOA each
            foreach (var p in _packets.Take(half)) writer.Write(P.Ethernet(p.Ip), p.Time);
            fifo.Flush();
            Assert.True(firstTwo.Wait(Hang), "the records written so far did not arrive while the writer kept the FIFO open");
            foreach (var p in _packets.Skip(half)) writer.Write(P.Ethernet(p.Ip), p.Time);
        });
        Assert.True(writing.Wait(Hang), "the writer did not finish");
        Assert.True(reading.Wait(Hang), "the reader did not end when the writer closed the FIFO");
        var d = Decoded.Of(items);
        Assert.Empty(d.Problems);
        Assert.Empty(d.Notices);
        ToaTruth.AssertMatches(_packets, d.Records, timestamps: true, path: _fifo);
    }

    [Fact]
    public void TheTimeLimitEndsALiveCaptureWithWhatArrivedAndNoTruncationError()
    {
        var reader = new ToaCaptureReader(ToaKindMap.Default);
        using var done = new ManualResetEventSlim();
        var writing = Task.Run(() =>
        {
            using var fifo = new FileStream(_fifo, FileMode.Open, FileAccess.Write);
            using var writer = CaptureWriter.Pcap(fifo, CaptureWriter.Ethernet);
            writer.Write(P.Ethernet(_packets[0].Ip), _packets[0].Time);
            writer.Write(P.Ethernet(_packets[1].Ip), _packets[1].Time);
            fifo.Write(new byte[10]); // half a record header: the capture is live, not cut
            fifo.Flush();
            done.Wait(Hang);
        });
        var reading = Task.Run(() => Decoded.Of(reader.Read(_fifo, default, TimeSpan.FromSeconds(1)).ToList()));
        Assert.True(reading.Wait(Hang), "the time limit did not end a live capture");
        done.Set();
        Assert.True(writing.Wait(Hang));
        var d = reading.Result;
        Assert.Empty(d.Problems);
        Assert.Equal([1L, 2L], d.Records.Select(r => r.PacketNumber!.Value));
        var notice = Assert.Single(d.Notices);
        Assert.Equal(ToaNoticeKind.TimeLimit, notice.Kind);
        Assert.True(notice.IsVerbose);
    }

    [Fact]
    public void LeavingEarlyClosesTheFifoSoItsWriterEnds()
    {
        // Select-Object -First 1 on a live capture: the FIFO is closed at once, so tcpdump gets EPIPE and ends.
        var writing = Task.Run(() =>
        {
            using var fifo = new FileStream(_fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            using var writer = CaptureWriter.Pcap(fifo, CaptureWriter.Ethernet);
            try
            {
                for (int i = 0; ; i++) writer.Write(P.Ethernet(_packets[i % _packets.Count].Ip), _packets[0].Time);
            }
            catch (IOException)
            {
                return true; // EPIPE: nobody reads the FIFO any more
            }
        });
        var first = new ToaCaptureReader(ToaKindMap.Default).Read(_fifo).OfType<ToaRecord>().First();
        Assert.Equal(1L, first.PacketNumber);
        Assert.True(writing.Wait(Hang), "the writer went on writing into a FIFO that was left");
        Assert.True(writing.Result);
    }

    [Fact]
    public void ARegularFileIsReadWhole()
    {
        // The FIFO path and the file path open alike (O_NONBLOCK): a regular file must not change.
        using var file = new TempFile();
        using (var w = CaptureWriter.Pcap(File.Create(file.Path), CaptureWriter.Ethernet))
            foreach (var p in _packets) w.Write(P.Ethernet(p.Ip), p.Time);
        var reader = new ToaCaptureReader(ToaKindMap.Default);
        var d = Decoded.Of(reader.Read(file.Path, default, TimeSpan.FromHours(1)).ToList());
        Assert.Empty(d.Notices);
        ToaTruth.AssertMatches(_packets, d.Records, timestamps: true, path: file.Path);
        Assert.Equal(new FileInfo(file.Path).Length, reader.Length);
    }
}
