using static Diag.Linux.Bpf.BpfRegister;

namespace Diag.Linux.Bpf;

/// <summary>
/// A stack trace map: bpf_get_stackid stores the current kernel or user stack (instruction addresses,
/// innermost first) and returns its id, equal stacks sharing one; user space reads a stack by id
/// (<see cref="Read"/>) and resolves the addresses (kernel ones through kallsyms).
/// </summary>
internal sealed unsafe class BpfStackTraceMap : IDisposable
{
    /// <summary>The kernel's limit on a stored stack's depth (PERF_MAX_STACK_DEPTH, kernel.perf_event_max_stack's default).</summary>
    public const int MaxDepth = 127;

    private BpfStackTraceMap(BpfMap map, int depth)
    {
        Map = map;
        Depth = depth;
    }

    public BpfMap Map { get; }

    /// <summary>Frames kept per stack; deeper stacks are cut.</summary>
    public int Depth { get; }

    /// <summary>Creates a map for <paramref name="stacks"/> distinct stacks of up to <paramref name="depth"/> frames.</summary>
    public static BpfStackTraceMap Create(string name, int stacks, int depth = MaxDepth)
    {
        if (depth is < 1 or > MaxDepth)
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"a stored stack has 1 to {MaxDepth} frames");
        return new BpfStackTraceMap(BpfMap.Create(name, BpfMapType.StackTrace, 4, depth * 8, stacks), depth);
    }

    /// <summary>r0 = bpf_get_stackid(ctx, map, flags): a stack id (≥ 0), or a negative errno (-EEXIST: a different
    /// stack with the same hash holds the slot, -EFAULT: no stack, -ENOMEM... ). <paramref name="context"/> is the
    /// program's context register as it received it (not a copy kept elsewhere). Clobbers r1–r5.</summary>
    public void EmitGetStackId(BpfAssembler a, BpfRegister context, ulong flags = 0)
    {
        if (context != R1)
            a.Mov(R1, context);
        a.LoadMap(R2, Map);
        a.Mov(R3, (int)flags);
        a.Call(BpfHelper.GetStackId);
    }

    /// <summary>The addresses of stack <paramref name="id"/>, innermost first (the unused tail of zeros cut);
    /// null when there is no such stack.</summary>
    public ulong[]? Read(int id)
    {
        var frames = new ulong[Depth];
        var key = (uint)id;
        fixed (ulong* f = frames)
            if (!Map.Lookup(&key, f))
                return null;
        var used = Array.IndexOf(frames, 0UL);
        return used < 0 ? frames : frames[..used];
    }

    /// <summary>Frees a stack's slot, so that a later different stack with the same hash can have it.</summary>
    public bool Delete(int id)
    {
        var key = (uint)id;
        return Map.Delete(&key);
    }

    public void Dispose() => Map.Dispose();
}
