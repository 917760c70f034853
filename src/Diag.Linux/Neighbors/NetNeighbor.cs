using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.Neighbors;

/// <summary>
/// One entry of the kernel's neighbour table (ARP for IPv4, NDP for IPv6), as <c>ip neigh</c> shows it, with the
/// property names of Windows PowerShell's Get-NetNeighbor (IPAddress, LinkLayerAddress, State, InterfaceAlias,
/// InterfaceIndex, AddressFamily) and Linux's own: probes, how long ago it was confirmed, used and updated, and a
/// diagnosis of what it means for connections to that address.
/// </summary>
public sealed class NetNeighbor
{
    /// <summary>The neighbour's address.</summary>
    public NetworkAddress IPAddress { get; internal init; } = null!;

    /// <summary>Its hardware address (<c>02:fc:00:00:00:05</c>); empty while unresolved.</summary>
    public string LinkLayerAddress { get; internal init; } = "";

    /// <summary>Incomplete, Reachable, Stale, Delay, Probe, Failed, NoArp, Permanent or None.</summary>
    public string State { get; internal init; } = "";

    internal NeighborState StateValue { get; init; }

    /// <summary>The interface's name (<c>eth0</c>).</summary>
    public string InterfaceAlias { get; internal init; } = "";

    public int InterfaceIndex { get; internal init; }

    /// <summary>IPv4 (ARP) or IPv6 (NDP).</summary>
    public string AddressFamily { get; internal init; } = "";

    /// <summary>The neighbour said it is a router (NDP).</summary>
    public bool IsRouter { get; internal init; }

    /// <summary>The entry's flags as <c>ip neigh</c> prints them: router, proxy, extern_learn, offload, managed…</summary>
    public ItemList<string> Flags { get; internal init; } = ItemList<string>.Empty;

    /// <summary>Requests (or probes) sent for the current resolution or confirmation.</summary>
    public int? Probes { get; internal init; }

    /// <summary>How long ago the neighbour last proved reachable (an answer, or a TCP ACK).</summary>
    public TimeSpan? ConfirmedAge { get; internal init; }

    /// <summary>How long ago a packet last went to it.</summary>
    public TimeSpan? UsedAge { get; internal init; }

    /// <summary>How long ago the entry last changed state.</summary>
    public TimeSpan? UpdatedAge { get; internal init; }

    /// <summary>Kernel references to the entry (routes, sockets' cached routes).</summary>
    public int? ReferenceCount { get; internal init; }

    /// <summary>The network namespace whose table it is (its inode).</summary>
    public ulong NetworkNamespace { get; internal init; }

    /// <summary>Ok, Confirming, Resolving or Unresolved.</summary>
    public string Diagnosis { get; internal init; } = "";

    internal NeighborDiagnosis DiagnosisValue { get; init; }

    /// <summary>What the entry means for connections to the address, and what to check.</summary>
    public string Message { get; internal init; } = "";

    /// <summary>A command that shortens or avoids the wait; empty when none applies. Diag never runs it.</summary>
    public string Remedy { get; internal init; } = "";

    /// <summary>When -IPAddress named an address reached through this neighbour (its gateway): that address.</summary>
    public NetworkAddress? Destination { get; internal init; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{IPAddress} dev {InterfaceAlias}") +
        (LinkLayerAddress.Length > 0 ? $" lladdr {LinkLayerAddress}" : "") + $" {State.ToUpperInvariant()}";
}
