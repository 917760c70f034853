using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.ProcessEvents.Kernel;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>Every variant of the process-event programs passes the running kernel's verifier.</summary>
public sealed class ProcessProgramTests
{
    public static TheoryData<bool, bool, bool, bool, bool, int> Variants()
    {
        var data = new TheoryData<bool, bool, bool, bool, bool, int>();
        foreach (var summary in new[] { false, true })
        foreach (var mode in new[] { 0, 1, 2 })
        {
            data.Add(summary, false, false, false, false, mode);
            data.Add(summary, true, true, true, true, mode);
        }
        return data;
    }

    [RootTheory]
    [MemberData(nameof(Variants))]
    public void EveryVariantPassesTheVerifier(bool summary, bool users, bool names, bool executables, bool oldExit, int parentMode)
    {
        var layout = BtfLayout.Running();
        var tracepoints = ProcessTracepoints.Find(layout.Types, layout.Kernel);
        var settings = new ProcessProgramSettings
        {
            Summary = summary, FailedExecs = true, FilterUsers = users, FilterNames = names, FilterExecutables = executables,
            Parents = (ParentFilterMode)parentMode, ExitHasGroupDead = tracepoints.ExitHasGroupDead && !oldExit,
        };
        using var maps = ProcessEventMaps.Create(settings);
        var programs = new ProcessEventPrograms(settings, maps, new KernelOffsets(layout));
        foreach (var (name, code, id) in new[]
                 {
                     ("fork", programs.Fork(), tracepoints.ForkId), ("exec", programs.Exec(), tracepoints.ExecId),
                     ("exit", programs.Exit(), tracepoints.ExitId), ("execfail", programs.ExecFailed(), tracepoints.SysExitId),
                 })
        {
            using var program = BpfProgram.LoadTracing("diag_" + name, code, BpfAttachType.TraceRawTracepoint, id);
            Assert.False(program.Fd.IsInvalid);
        }
    }
}
