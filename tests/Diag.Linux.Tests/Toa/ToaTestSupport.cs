using System.Net;
using Diag.Linux.Output;
using Diag.Linux.Toa;
using Diag.Linux.Toa.Text;

namespace Diag.Linux.Tests.Toa;

/// <summary>What a decoder produced, by kind.</summary>
internal sealed record Decoded(List<ToaRecord> Records, List<ToaProblem> Problems, List<ToaNotice> Notices)
{
    public static Decoded Of(IEnumerable<object> items)
    {
        var list = items.Where(o => o is not ToaReadProgress).ToList();
        Assert.All(list, o => Assert.True(o is ToaRecord or ToaProblem or ToaNotice, $"unexpected item {o.GetType()}"));
        return new(list.OfType<ToaRecord>().ToList(), list.OfType<ToaProblem>().ToList(), list.OfType<ToaNotice>().ToList());
    }

    public ToaRecord Single() => Assert.Single(Records);
}

internal static class ToaTestSupport
{
    public static Decoded DecodeText(params string[] lines) => DecodeText(ToaKindMap.Default, lines);

    public static Decoded DecodeText(ToaKindMap map, IEnumerable<string> lines)
    {
        var decoder = new TcpdumpTextDecoder(map);
        var output = new List<object>();
        foreach (var line in lines) decoder.Push(line, output);
        decoder.Complete(output);
        return Decoded.Of(output);
    }

    public static Decoded DecodeFile(string path, ToaKindMap? map = null) =>
        Decoded.Of(new ToaCaptureReader(map ?? ToaKindMap.Default).Read(path).ToList());

    public static IPAddress Ip(string s) => IPAddress.Parse(s);

    /// <summary>An address as records carry it.</summary>
    public static NetworkAddress Addr(string s) => NetworkAddress.Parse(s);

    /// <summary>A temporary file deleted at dispose.</summary>
    public sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"diag-toa-{Guid.NewGuid():N}.pcap");
        public void Dispose() { try { File.Delete(Path); } catch (IOException) { } }
    }
}
