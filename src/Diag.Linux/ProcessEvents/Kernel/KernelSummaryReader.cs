using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Bpf;
using K = Diag.Linux.ProcessEvents.Kernel.SummaryKeyLayout;
using V = Diag.Linux.ProcessEvents.Kernel.SummaryValueLayout;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>Reads the kernel's summary map (one per-CPU value per parent and executable) into tallies.</summary>
internal static unsafe class KernelSummaryReader
{
    public static List<SummaryTally> Read(BpfMap summary, ExecutableIndex executables)
    {
        var tallies = new List<SummaryTally>();
        var seen = new HashSet<string>();
        var values = new byte[summary.LookupSize];
        foreach (var key in summary.Keys())
        {
            if (!seen.Add(Convert.ToHexString(key)))
                continue;
            fixed (byte* k = key, v = values)
            {
                if (!summary.Lookup(k, v))
                    continue; // removed meanwhile (never: nothing deletes)
            }
            var tally = new SummaryTally
            {
                ParentName = Comm(key, K.ParentComm),
                ParentPath = PathOf(executables, key, K.ParentInode, K.ParentDevice),
                Name = Comm(key, K.Comm),
                Path = PathOf(executables, key, K.Inode, K.Device),
            };
            for (var cpu = 0; cpu < PossibleCpus.Count; cpu++)
            {
                var value = values.AsSpan(cpu * summary.PerCpuStride, V.Size);
                var part = new SummaryTally { ParentName = "", ParentPath = null, Name = "", Path = null };
                part.Forks = (long)U64(value, V.Forks);
                part.Execs = (long)U64(value, V.Execs);
                part.FailedExecs = (long)U64(value, V.FailedExecs);
                part.Exits = (long)U64(value, V.Exits);
                part.ShortLived = (long)U64(value, V.ShortExits);
                part.LifetimeTicks = (long)(U64(value, V.LifetimeSum) / 100);
                part.LastTime = (long)U64(value, V.LastTime);
                part.ProcessId = (int)BinaryPrimitives.ReadUInt32LittleEndian(value[V.LastProcessId..]);
                part.ParentId = (int)BinaryPrimitives.ReadUInt32LittleEndian(value[V.LastParentId..]);
                if (part.LastTime != 0)
                    tally.Add(part);
            }
            tallies.Add(tally);
        }
        return tallies;
    }

    private static string? PathOf(ExecutableIndex executables, byte[] key, int inodeAt, int deviceAt)
    {
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(inodeAt));
        return inode == 0 ? null : executables.Find(inode, BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(deviceAt)))?.Path;
    }

    private static string Comm(byte[] key, int at)
    {
        var span = key.AsSpan(at, 16);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    private static ulong U64(ReadOnlySpan<byte> value, int at) => BinaryPrimitives.ReadUInt64LittleEndian(value[at..]);
}
