using System.Globalization;
using System.Management.Automation;
using Diag.Linux.Toa;

namespace Diag.Commands.Infrastructure;

/// <summary>The error records of ConvertFrom-Toa: one stable id, category and remedy per kind of problem.</summary>
internal static class ToaErrors
{
    public static DiagError From(ToaProblem problem, object? target, bool fromHex = false)
    {
        var (id, category, remedy) = problem.Kind switch
        {
            ToaProblemKind.WrongLength => ("InvalidToaLength", ErrorCategory.InvalidData,
                "If that option kind carries no TOA in your network, leave it out with -OptionKind @{ KIND = @() }; if your balancer " +
                "puts another layout in it, name the layout, e.g. -OptionKind @{ KIND = 'ToaV6' } (Toa, ToaV6, ToaVip, Vtoa, V6Vtoa)."),
            ToaProblemKind.InvalidHex => ("InvalidHex", ErrorCategory.InvalidData, fromHex
                ? "Give the option's bytes as hex, two digits per byte; spaces, colons and a 0x prefix are allowed."
                : "The line is not tcpdump output as tcpdump printed it; if it was cut or edited, take it from tcpdump again."),
            ToaProblemKind.TruncatedCapture => ("TruncatedCapture", ErrorCategory.InvalidData,
                "The file ends early (a capture still being written, or an interrupted copy); everything before the cut was read."),
            ToaProblemKind.CorruptCapture => ("CorruptCapture", ErrorCategory.InvalidData,
                "The damaged part was skipped and reading went on from the next readable packet; the file itself should be checked (capinfos, or Wireshark)."),
            ToaProblemKind.UnknownCaptureFormat => ("UnknownCaptureFormat", ErrorCategory.InvalidData,
                "Give a pcap or pcapng file (tcpdump -w FILE). For tcpdump's text output, pipe the text instead: Get-Content FILE | ConvertFrom-Toa."),
            ToaProblemKind.UnsupportedCaptureVersion => ("UnsupportedCaptureVersion", ErrorCategory.InvalidData,
                "Write the capture again with tcpdump -w or dumpcap, which write pcap 2.4 and pcapng 1.0; if the file came from another tool, check that it is not damaged."),
            ToaProblemKind.UnsupportedLinkType => ("UnsupportedLinkType", ErrorCategory.NotImplemented,
                "Capture on the server's Ethernet interface or with tcpdump -i any (Linux cooked capture); both are read."),
            _ => ("CaptureReadFailed", ErrorCategory.ReadError, "Check that the file exists and that you may read it."),
        };
        Exception exception = problem.Kind == ToaProblemKind.ReadFailed ? new IOException(problem.Message) : new InvalidDataException(problem.Message);
        return new DiagError(exception, id, category, Bounded(target), remedy);
    }

    /// <summary>The input an error record carries as its TargetObject, at most a few hundred characters: a 10 MB
    /// line or byte array must not make a 10 MB error record (the message says its length).</summary>
    public static object? Bounded(object? target) => target switch
    {
        string text => TextExcerpt.Of(text),
        byte[] bytes when bytes.Length > 64 => $"{Convert.ToHexString(bytes, 0, 64).ToLowerInvariant()}… ({bytes.Length.ToString(CultureInfo.InvariantCulture)} bytes)",
        _ => target,
    };
}
