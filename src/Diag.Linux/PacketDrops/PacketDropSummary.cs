using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// Drops counted in the kernel over an interval, one row per reason, cause, place and namespace (and per flow with
/// -ByFlow, per kernel stack with -Stack): how many, their bytes and rate, with the cause told as for single drops.
/// </summary>
public sealed class PacketDropSummary
{
    internal PacketDropSummary(string reason, uint reasonCode, DropCauseVerdict verdict, string location, string? function, long networkNamespace,
        string? networkNamespaceName, long count, long lengthBytes, TimeSpan interval, DateTime end, PacketSummary? flow, string? @interface,
        ItemList<string> kernelStack)
    {
        Reason = reason;
        ReasonCode = (int)reasonCode;
        CauseValue = verdict.Cause;
        CauseCertaintyValue = verdict.Certainty;
        CauseEvidence = verdict.Evidence;
        Location = location;
        Function = function;
        NetworkNamespace = networkNamespace;
        NetworkNamespaceName = networkNamespaceName;
        Count = count;
        LengthBytes = lengthBytes;
        Interval = interval;
        RatePerSecond = interval > TimeSpan.Zero ? count / interval.TotalSeconds : 0;
        End = end;
        ProtocolValue = flow?.Protocol ?? IpProtocol.None;
        SourceAddress = flow?.SourceAddress;
        SourcePort = flow?.SourcePort ?? 0;
        DestinationAddress = flow?.DestinationAddress;
        DestinationPort = flow?.DestinationPort ?? 0;
        Flow = flow?.Flow ?? "";
        Interface = @interface;
        KernelStack = kernelStack;
    }

    public string Reason { get; }

    public int ReasonCode { get; }

    /// <summary>A <see cref="PacketDropCause"/> name, as for single drops.</summary>
    public string Cause => CauseValue.ToString();

    internal PacketDropCause CauseValue { get; }

    /// <summary>Confirmed when every drop of the row was, else Likely (the evidence says how many were confirmed), Unknown
    /// for Unclassified.</summary>
    public string CauseCertainty => CauseCertaintyValue.ToString();

    internal DropCauseCertainty CauseCertaintyValue { get; }

    public string? CauseEvidence { get; }

    /// <summary>Where the kernel dropped them (function+offset).</summary>
    public string Location { get; }

    public string? Function { get; }

    public long NetworkNamespace { get; }

    public string? NetworkNamespaceName { get; }

    /// <summary>Drops counted in the interval.</summary>
    public long Count { get; }

    /// <summary>Their bytes, each from its network header.</summary>
    public long LengthBytes { get; }

    public double RatePerSecond { get; }

    public TimeSpan Interval { get; }

    /// <summary>When the interval ended (local time).</summary>
    public DateTime End { get; }

    /// <summary>With -ByFlow: the flow's protocol (an <see cref="IpProtocol"/> name), addresses and ports, and the flow as text.</summary>
    public string Protocol => ProtocolValue.ToString();

    internal IpProtocol ProtocolValue { get; }

    public NetworkAddress? SourceAddress { get; }

    public int SourcePort { get; }

    public NetworkAddress? DestinationAddress { get; }

    public int DestinationPort { get; }

    public string Flow { get; }

    public string? Interface { get; }

    /// <summary>With -Stack: the kernel stack these drops share.</summary>
    public ItemList<string> KernelStack { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} x {Reason}{(CauseValue == PacketDropCause.Unclassified ? "" : " (" + Cause + ")")}{(Flow.Length > 0 ? " " + Flow : "")} at {Location}");
}
