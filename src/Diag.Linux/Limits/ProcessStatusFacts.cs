using System.Text;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Limits;

/// <summary>What /proc/PID/status and stat say that limits are measured against: its user, parent, threads,
/// memory sizes, queued signals and CPU time.</summary>
internal sealed class ProcessStatusFacts
{
    public required string Name { get; init; }
    public required int ParentId { get; init; }
    public required uint RealUid { get; init; }
    public required uint RealGid { get; init; }
    public required uint[] Groups { get; init; }
    public required int Threads { get; init; }
    public required bool IsZombie { get; init; }
    public required bool IsKernelThread { get; init; }

    /// <summary>VmSize, VmData, VmStk, VmLck in bytes; null for a process without memory (zombie, kernel thread).</summary>
    public long? AddressSpace { get; init; }
    public long? Data { get; init; }
    public long? Stack { get; init; }
    public long? Locked { get; init; }

    /// <summary>SigQ: signals queued for its real user (the first number of "3/127448").</summary>
    public long? QueuedSignals { get; init; }

    /// <summary>User + system CPU time, in clock ticks (stat fields 14 and 15).</summary>
    public long? CpuTicks { get; init; }

    public static ProcessStatusFacts? Read(ProcFileReader reader, Interop.SafeFileDescriptor procFd, int pid)
    {
        if (reader.Read(procFd, pid, "status"u8, out var status) != 0) return null;
        var name = Encoding.UTF8.GetString(StatusText.ValueOf(status, "\nName:"u8).Trim(" \t"u8));
        var state = StatusText.ValueOf(status, "\nState:"u8).TrimStart(" \t"u8);
        var uids = StatusText.Numbers(StatusText.ValueOf(status, "\nUid:"u8));
        var gids = StatusText.Numbers(StatusText.ValueOf(status, "\nGid:"u8));
        var groups = StatusText.Numbers(StatusText.ValueOf(status, "\nGroups:"u8));
        bool hasMemory = StatusText.Has(status, "\nVmSize:"u8);
        var sigQ = StatusText.ValueOf(status, "\nSigQ:"u8);
        var facts = new ProcessStatusFacts
        {
            Name = name,
            ParentId = (int)StatusText.FirstNumber(StatusText.ValueOf(status, "\nPPid:"u8)),
            RealUid = uids.Length > 0 ? uids[0] : 0,
            RealGid = gids.Length > 0 ? gids[0] : 0,
            Groups = groups,
            Threads = (int)StatusText.FirstNumber(StatusText.ValueOf(status, "\nThreads:"u8)),
            IsZombie = state.Length > 0 && state[0] == (byte)'Z',
            IsKernelThread = StatusText.Has(status, "\nKthread:\t1"u8) || (!hasMemory && !(state.Length > 0 && state[0] == (byte)'Z')),
            AddressSpace = hasMemory ? Kb(status, "\nVmSize:"u8) : null,
            Data = hasMemory ? Kb(status, "\nVmData:"u8) : null,
            Stack = hasMemory ? Kb(status, "\nVmStk:"u8) : null,
            Locked = hasMemory ? Kb(status, "\nVmLck:"u8) : null,
            QueuedSignals = sigQ.IsEmpty ? null : StatusText.FirstNumber(sigQ),
            CpuTicks = reader.Read(procFd, pid, "stat"u8, out var stat) == 0 && TaskStat.TryParse(stat, out var parsed, out _)
                ? parsed.UserTicks + parsed.SystemTicks : null,
        };
        return facts;
    }

    private static long Kb(ReadOnlySpan<byte> status, ReadOnlySpan<byte> key) => StatusText.FirstNumber(StatusText.ValueOf(status, key)) * 1024;
}
