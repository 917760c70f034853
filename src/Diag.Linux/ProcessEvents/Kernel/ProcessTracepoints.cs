using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// The BTF-typed tracepoints the watch attaches to, by the id of their <c>btf_trace_*</c> typedef in the running
/// kernel, and what their prototypes say about the kernel: sched_process_exit has group_dead (and fires before
/// exit_mm) since Linux 6.16.
/// </summary>
internal sealed class ProcessTracepoints
{
    public const string Fork = "sched_process_fork", Exec = "sched_process_exec", Exit = "sched_process_exit", SysExit = "sys_exit";

    private ProcessTracepoints(int fork, int exec, int exit, int sysExit, bool exitHasGroupDead)
    {
        ForkId = fork;
        ExecId = exec;
        ExitId = exit;
        SysExitId = sysExit;
        ExitHasGroupDead = exitHasGroupDead;
    }

    public int ForkId { get; }

    public int ExecId { get; }

    public int ExitId { get; }

    public int SysExitId { get; }

    public bool ExitHasGroupDead { get; }

    /// <summary>The ids from <paramref name="types"/>; throws <see cref="KernelLayoutException"/> naming a tracepoint
    /// this kernel's BTF does not describe.</summary>
    public static ProcessTracepoints Find(BtfTypes types, string kernel)
    {
        int Id(string tracepoint)
        {
            var id = types.TypedefId("btf_trace_" + tracepoint);
            return id > 0 ? id : throw new KernelLayoutException($"this kernel ({kernel}) has no BTF-typed tracepoint {tracepoint} (btf_trace_{tracepoint})", "btf_trace_" + tracepoint, null);
        }

        var exit = Id(Exit);
        return new ProcessTracepoints(Id(Fork), Id(Exec), exit, Id(SysExit), PrototypeArity(types, exit) >= 3);
    }

    /// <summary>The parameter count of the prototype a btf_trace_* typedef points to (its first is the probe's data).</summary>
    private static int PrototypeArity(BtfTypes types, int typedefId)
    {
        var pointer = types[(int)types[typedefId].SizeOrType];
        if (pointer.Kind != BtfKind.Pointer)
            return 0;
        var prototype = types[(int)pointer.SizeOrType];
        return prototype.Kind == BtfKind.FunctionProto ? prototype.Count : 0;
    }
}
