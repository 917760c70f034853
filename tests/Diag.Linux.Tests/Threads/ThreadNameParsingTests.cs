using Diag.Linux.Threads;
using ThreadState = Diag.Linux.Threads.ThreadStates;

namespace Diag.Linux.Tests.Threads;

/// <summary>A comm with spaces and parentheses breaks naive stat parsing (sysdig#506, libstatgrab#67).</summary>
public sealed class ThreadNameParsingTests
{
    [Theory]
    [InlineData("a) b (c")]
    [InlineData(") 1 2 3 (")]
    [InlineData("x) R 1 2 3")]
    public void NamesWithParenthesesAndSpacesKeepTheOtherFieldsRight(string name)
    {
        using var target = TargetProcess.Start("rename", name);

        var batch = ThreadSampling.SampleProcess(target.Pid, 0.2);

        var main = batch.Thread(target.Pid);
        Assert.Equal(name, main.ThreadName);
        Assert.Equal(name, main.ProcessName);
        Assert.Equal(ThreadState.Sleeping, main.State); // blocked reading stdin
        Assert.Equal("read", main.CurrentSyscall);
        Assert.Equal(0, main.CurrentSyscallNumber);
        Assert.Equal(20, main.Priority);
        Assert.Equal(0, main.Nice);
        Assert.InRange(main.Processor, 0, Environment.ProcessorCount - 1);
        Assert.InRange(main.StartTime, DateTime.Now.AddMinutes(-1), DateTime.Now.AddSeconds(2));
        Assert.InRange(main.CpuPercent, 0, 5);
        Assert.Equal(target.Pid, main.NamespaceThreadId);
    }

    [Fact]
    public void NameSelectionMatchesTheUntruncatedExecutableName()
    {
        using var target = TargetProcess.Start("threads", "2", "0");
        var selection = ThreadSelection.ForProcessNames(new Func<string, bool>[]
        {
            n => n == "diag-test-target",          // 16 characters: only the untruncated name matches
            n => n == "no-such-process-name-here",
        });

        var batch = ThreadSampling.SampleOnce(selection, 0.2);

        Assert.Contains(batch.Samples, s => s.ProcessId == target.Pid && s.ThreadName == "futex-0");
        Assert.All(batch.Samples, s => Assert.Equal("diag-test-target", s.ProcessName));
        Assert.Equal(new[] { 1 }, batch.UnmatchedNamePatterns);
    }
}
