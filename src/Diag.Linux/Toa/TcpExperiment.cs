using System.Buffers.Binary;
using System.Globalization;

namespace Diag.Linux.Toa;

/// <summary>
/// A registered TCP experiment that shares the experimental option kinds 253 and 254 with TOAs: RFC 6994
/// puts an experiment id (ExID, 16 or 32 bits) first in the option's data, and IANA registers them
/// ("TCP/UDP Experimental Option Experiment Identifiers"). Kind 254 is also what most TOA modules use, so an
/// option of a TOA's length is a TOA whatever its first bytes (the kernel's toa module looks at kind and
/// length only); one of another length that starts with a registered id is that experiment, not a broken TOA.
/// </summary>
internal readonly record struct TcpExperiment(uint Id, int Bits, string Name, string Reference)
{
    // The ids whose registration could be checked against the RFC or the code that sends them. 32-bit ids
    // come first: RFC 6994 keeps their first 16 bits apart from every 16-bit id.
    private static readonly TcpExperiment[] Registered =
    [
        new(0xE2D4C3D9, 32, "SMC-R, Shared Memory Communications over RDMA", "RFC 7609"),
        new(0xF989, 16, "TCP Fast Open", "RFC 7413"),
        new(0xACC0, 16, "AccECN, Accurate ECN feedback, counter order 0", "the experiments before RFC 9768"),
        new(0xACC1, 16, "AccECN, Accurate ECN feedback, counter order 1", "the experiments before RFC 9768"),
        new(0x0348, 16, "HOST_ID, host identification", "RFC 7974"),
        new(0x454E, 16, "TCP-ENO, encryption negotiation", "RFC 8547"),
    ];

    /// <summary>The registered experiments, for help and tests.</summary>
    public static IReadOnlyList<TcpExperiment> All => Registered;

    /// <summary>The id as the registry writes it: 0xF989, 0xE2D4C3D9.</summary>
    public string IdText => "0x" + Id.ToString(Bits == 32 ? "X8" : "X4", CultureInfo.InvariantCulture);

    public override string ToString() => $"{IdText} ({Name}; {Reference})";

    /// <summary>Only the experimental kinds carry experiment ids.</summary>
    public static bool IsExperimentalKind(int kind) => kind is 253 or 254;

    /// <summary>The registered experiment whose id starts <paramref name="data"/> (the option's bytes after kind and length).</summary>
    public static bool TryFind(int kind, ReadOnlySpan<byte> data, out TcpExperiment experiment)
    {
        experiment = default;
        if (!IsExperimentalKind(kind) || data.Length < 2) return false;
        uint first16 = BinaryPrimitives.ReadUInt16BigEndian(data);
        foreach (var e in Registered)
        {
            bool match = e.Bits == 32
                ? data.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(data) == e.Id
                : first16 == e.Id;
            if (match)
            {
                experiment = e;
                return true;
            }
        }
        return false;
    }

    /// <summary>The registered experiment whose id starts with these 16 bits: what tcpdump prints of kind 254
    /// (<c>exp-acc0</c>); a 32-bit id is known by its first half, which RFC 6994 keeps unique.</summary>
    public static bool TryFindFirst16(int kind, int first16, out TcpExperiment experiment)
    {
        experiment = default;
        if (!IsExperimentalKind(kind)) return false;
        foreach (var e in Registered)
        {
            if ((e.Bits == 32 ? e.Id >> 16 : e.Id) == (uint)first16)
            {
                experiment = e;
                return true;
            }
        }
        return false;
    }
}
