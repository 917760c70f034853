using Diag.Linux.Threads;
using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Threads;

/// <summary>The warning for unreadable CurrentSyscall/WaitChannel fits who the user is and names the processes.
/// Sessions that really are root without CAP_SYS_PTRACE, or root in a user namespace, are in
/// tests/Get-ThreadCpu.Tests.ps1.</summary>
public sealed class ThreadAccessWarningTests
{
    private static readonly PtraceStanding HostRoot = new(IsRoot: true, HasSysPtrace: true, InInitialUserNamespace: true, YamaScope: 1);

    [Fact]
    public void RootIsNotToldToRunAsRoot()
    {
        var text = ThreadAccessWarning.Describe([1], HostRoot);
        Assert.Contains("process 1 (", text);
        Assert.Contains("although it runs as root: a security module", text);
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
        Assert.Contains("CAP_SYS_PTRACE", text);
        Assert.Contains("kernel.yama.ptrace_scope to 0", text);
    }

    [Fact]
    public void ManyProcessesAreCountedNotAllListed()
    {
        var text = ThreadAccessWarning.Describe(Enumerable.Range(1, 12).ToList(), HostRoot);
        Assert.Contains("12 processes", text);
        Assert.Contains("and 7 more", text);
    }
}
