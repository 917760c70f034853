using Diag.Linux.Ptrace;
using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>PTRACE_SEIZE answers EPERM for a zombie: that must read as "it has exited", not as a permission problem.</summary>
public sealed class ZombieTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AZombieIsTargetExitedAndThePointerGoesToItsParent(bool wholeProcess)
    {
        using var target = SpawnedTarget.Start("zombie");
        var zombie = target.Threads["zombie"];
        TraceTarget what = wholeProcess ? new TraceTarget.Process(zombie) : new TraceTarget.Thread(zombie);
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(what, new TraceOptions()).Dispose());
        Assert.Equal(TargetFailureReason.Exited, e.Reason);
        Assert.Contains("waiting for its parent", e.Message);
        Assert.Contains(target.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Remedy);
    }
}
