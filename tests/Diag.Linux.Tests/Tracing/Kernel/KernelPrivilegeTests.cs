using System.Globalization;
using Diag.Linux.Tests.Bpf;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>
/// What happens without the privileges, without tracefs, and when the tracer dies: run in a separate
/// process (<see cref="KernelProbeProgram"/>, this assembly) started under setpriv (another user, or root
/// with every capability dropped: the bounding set emptied, so exec grants none), under unshare (a mount
/// namespace where tracefs and debugfs are hidden by empty tmpfs mounts), or killed with SIGKILL.
/// </summary>
public sealed class KernelPrivilegeTests
{
    private static readonly string[] Nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"];
    private static readonly string[] RootWithoutCapabilities = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"];

    [RootTheory]
    [InlineData("nobody")]
    [InlineData("root without capabilities")]
    public void WithoutPrivilegesTheKernelBackendIsAccessDeniedWithTheRemedy(string who)
    {
        var probe = KernelProbe.Run(who == "nobody" ? Nobody : RootWithoutCapabilities,
            "kernel", TargetProcess.ExecutablePath, "getppid", "10", "0");
        Assert.Equal("AccessDenied", probe["FAILED"]);
        Assert.Equal("1", probe["ERRNO"]); // EPERM
        Assert.Contains("bpf(BPF_MAP_CREATE) refused with EPERM", probe["MESSAGE"], StringComparison.Ordinal);
        Assert.Contains("CAP_BPF and CAP_PERFMON", probe["REMEDY"], StringComparison.Ordinal);
        Assert.Contains("-Backend Ptrace", probe["REMEDY"], StringComparison.Ordinal);
        if (who == "nobody")
        {
            Assert.Equal("65534", probe["UID"]);
            Assert.Contains("not root", probe["MESSAGE"], StringComparison.Ordinal);
            Assert.StartsWith("run as root (sudo pwsh)", probe["REMEDY"], StringComparison.Ordinal);
            Assert.Contains("--cap-add BPF --cap-add PERFMON", probe["REMEDY"], StringComparison.Ordinal);
            Assert.DoesNotContain("setcap", probe["REMEDY"], StringComparison.Ordinal); // never a capability on the dotnet binary
        }
        else
        {
            Assert.Equal("0", probe["UID"]);
            Assert.Contains("root without capabilities", probe["MESSAGE"], StringComparison.Ordinal);
            Assert.Contains("--cap-add BPF --cap-add PERFMON", probe["REMEDY"], StringComparison.Ordinal);
        }
    }

    [RootFact]
    public void WithoutPrivilegesAutoFallsBackToPtraceAndSaysWhy()
    {
        var probe = KernelProbe.Run(Nobody, "auto", TargetProcess.ExecutablePath, "getppid", "321", "0");
        Assert.Equal("Ptrace", probe["BACKEND"]);
        Assert.StartsWith("ptrace: the kernel backend is not available: no permission to create a BPF map", probe["REASON"], StringComparison.Ordinal);
        Assert.Contains("refused with EPERM", probe["REASON"], StringComparison.Ordinal);
        Assert.Equal("Ptrace TargetExited 0", probe["RESULT"]);
        Assert.Equal(321, KernelProbe.Calls(probe, "getppid"));
    }

    [RootFact]
    public void TheKernelBackendNeedsNoTracefs()
    {
        string[] hidden = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
            "mount -t tmpfs none /sys/kernel/tracing && { [ ! -d /sys/kernel/debug ] || mount -t tmpfs none /sys/kernel/debug; } && exec \"$@\"", "sh"];
        var probe = KernelProbe.Run(hidden, "auto", TargetProcess.ExecutablePath, "getppid", "222", "0");
        Assert.Equal("absent", probe["TRACEFS"]);
        Assert.Equal("Kernel", probe["BACKEND"]);
        Assert.Equal("Kernel TargetExited 0", probe["RESULT"]);
        Assert.Equal(222, KernelProbe.Calls(probe, "getppid"));
    }

    [RootFact]
    public void WhenTheTracerIsKilledTheKernelDetachesEverythingAndTheTargetRunsOn()
    {
        using var target = SpawnedTarget.Start("calls");
        using var holder = KernelProbe.Start([], ["hold", target.Pid.ToString(CultureInfo.InvariantCulture)]);
        string? line;
        while ((line = holder.StandardOutput.ReadLine()) is not null && !line.StartsWith("PROGRAMS ", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        var programs = line["PROGRAMS ".Length..].Split(' ').Select(uint.Parse).ToList();
        Assert.Equal(3, programs.Count); // sys_enter, sys_exit, sched_process_exit
        Assert.All(programs, id => Assert.True(BpfObjects.ProgramExists(id)));

        holder.Kill(); // SIGKILL: no Stop, no Dispose
        Assert.True(holder.WaitForExit(10_000));
        Assert.True(BpfObjects.AllGone(programs, []), "the kernel freed the dead tracer's programs");
        target.Command("calls 5 0");
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }
}
