using Diag.Linux.Ptrace;
using Diag.Linux.Threads;

namespace Diag.Linux.Tests.Threads;

/// <summary>The warning for unreadable CurrentSyscall/WaitChannel fits who the user is and names the processes.
/// Sessions that really are root without CAP_SYS_PTRACE, or root in a user namespace, are in
/// tests/Get-ThreadCpu.Tests.ps1.</summary>
public sealed class ThreadAccessWarningTests
{
    private static readonly PtraceStanding HostRoot = new(IsRoot: true, HasSysPtrace: true, InInitialUserNamespace: true, YamaScope: 1, SecurityModules: ["apparmor"], Confinement: null);

    [Fact]
    public void RootIsNotToldToRunAsRoot()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot);
        Assert.Contains("process 1 (", text);
        Assert.Contains("although it runs as root: the cause is not known", text);
        Assert.Contains("a security module may deny it (active: apparmor)", text);
        Assert.DoesNotContain("run as root", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RootWithoutCapSysPtraceIsToldToGrantIt()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot with { HasSysPtrace = false });
        Assert.Contains("without CAP_SYS_PTRACE", text);
        Assert.Contains("--cap-add SYS_PTRACE", text);
    }

    [Fact]
    public void RootOfAUserNamespaceIsToldToRunOnTheHost()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot with { InInitialUserNamespace = false });
        Assert.Contains("root only inside a user namespace", text);
        Assert.Contains("run on the host", text);
    }

    [Fact]
    public void YamaScopeThreeIsSaidFirst()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot with { HasSysPtrace = false, YamaScope = 3 });
        Assert.Contains("kernel.yama.ptrace_scope is 3", text);
        Assert.DoesNotContain("CAP_SYS_PTRACE", text);
    }

    [Fact]
    public void AnotherUserIsToldHowToGetAccess()
    {
        var text = ThreadAccessWarning.Describe([1, 2], HostRoot with { IsRoot = false, HasSysPtrace = false });
        Assert.Contains("2 processes: 1 (", text);
        Assert.Contains("kernel.yama.ptrace_scope is 1", text);
        Assert.Contains("sudo", text);
        // Narrow remedies only: nothing that weakens the whole host.
        Assert.DoesNotContain("setcap", text);
        Assert.DoesNotContain("ptrace_scope=0", text);
    }

    [Fact]
    public void NoSecurityModuleIsBlamedWhenNoneIsActive()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot with { SecurityModules = [] });
        Assert.Contains("no security module that could deny it is active", text);
        Assert.DoesNotContain("may deny it", text);
        var unknown = ThreadAccessWarning.Describe([1], HostRoot with { SecurityModules = null });
        Assert.Contains("cannot be listed here", unknown);
    }

    [Fact]
    public void AConfinedSessionIsToldWhichModuleConfinesIt()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot with { Confinement = "the AppArmor profile docker-default (enforce)" });
        Assert.Contains("confined by the AppArmor profile docker-default", text);
    }

    [Fact]
    public void ManyProcessesAreCountedNotAllListed()
    {
        var text = ThreadAccessWarning.Describe(Enumerable.Range(1, 12).ToList(), HostRoot);
        Assert.Contains("12 processes", text);
        Assert.Contains("and 7 more", text);
    }
}
