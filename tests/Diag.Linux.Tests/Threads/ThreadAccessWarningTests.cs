using Diag.Linux.Threads;

namespace Diag.Linux.Tests.Threads;

/// <summary>The warning for unreadable CurrentSyscall/WaitChannel fits who the user is and names the processes.</summary>
public sealed class ThreadAccessWarningTests
{
    [Fact]
    public void RootIsNotToldToRunAsRoot()
    {
        var text = ThreadAccessWarning.Describe([1], isRoot: true);
        Assert.Contains("process 1 (", text);
        Assert.Contains("even to root", text);
        Assert.DoesNotContain("run as root", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AnotherUserIsToldHowToGetAccess()
    {
        var text = ThreadAccessWarning.Describe([1, 2], isRoot: false);
        Assert.Contains("2 processes: 1 (", text);
        Assert.Contains("CAP_SYS_PTRACE", text);
    }

    [Fact]
    public void ManyProcessesAreCountedNotAllListed()
    {
        var text = ThreadAccessWarning.Describe(Enumerable.Range(1, 12).ToList(), isRoot: true);
        Assert.Contains("12 processes", text);
        Assert.Contains("and 7 more", text);
    }
}
