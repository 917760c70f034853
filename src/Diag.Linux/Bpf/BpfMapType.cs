namespace Diag.Linux.Bpf;

/// <summary>The map types the programs use (<c>enum bpf_map_type</c>).</summary>
internal enum BpfMapType : uint
{
    Hash = 1,
    Array = 2,

    /// <summary>One value per possible CPU per key: no contention between CPUs; user space sums.</summary>
    PerCpuHash = 5,
    PerCpuArray = 6,

    /// <summary>Keys are stack ids from bpf_get_stackid, values arrays of u64 instruction addresses.</summary>
    StackTrace = 7,

    /// <summary>A hash that evicts the least recently used key when full instead of refusing the update.</summary>
    LruHash = 9,
    LruPerCpuHash = 10,

    /// <summary>A ring buffer shared by all CPUs (Linux 5.8): records in order, mapped into user space.</summary>
    RingBuffer = 27,
}
