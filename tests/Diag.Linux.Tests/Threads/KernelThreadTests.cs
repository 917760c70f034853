using Diag.Linux.Threads;

namespace Diag.Linux.Tests.Threads;

/// <summary>Kernel threads have no user system call: their syscall file reads "0 0x0 ...", which is not read(2).</summary>
public sealed class KernelThreadTests
{
    [Fact]
    public void KthreaddIsAKernelThreadWithoutASyscallButWithItsWaitChannel()
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds([2]));
        var sample = Assert.Single(sampler.Sample(TimeSpan.FromMilliseconds(50), 1).Single().Samples);
        Assert.Equal("kthreadd", sample.ThreadName);
        Assert.True(sample.IsKernelThread);
        Assert.Null(sample.CurrentSyscall);
        Assert.Null(sample.CurrentSyscallNumber);
        Assert.Equal("kthreadd", sample.WaitChannel);
    }

    [Fact]
    public void UserThreadsAreNotKernelThreads()
    {
        using var target = TargetProcess.Start("threads", "2", "0");
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds([target.Pid]));
        Assert.All(sampler.Sample(TimeSpan.FromMilliseconds(50), 1).Single().Samples, s => Assert.False(s.IsKernelThread));
    }
}
