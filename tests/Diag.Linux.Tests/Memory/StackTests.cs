using Diag.Linux.Memory;

namespace Diag.Linux.Tests.Memory;

/// <summary>Thread stacks named after their threads from each thread's stack pointer, without stopping any thread.</summary>
public sealed class StackTests
{
    [Fact]
    public void EveryParkedThreadHasItsStackAndGuardAndTheMainThreadHasStack()
    {
        using var target = TargetProcess.Start("arenas-hold", "4", "64");
        var regions = MemoryTargets.Read(target.Pid).Regions();

        foreach (var (name, tid) in target.Threads)
        {
            var stack = Assert.Single(regions, r => r.KindValue == MemoryKind.ThreadStack && r.ThreadId == tid);
            Assert.Equal("rw-p", stack.Permissions);
            Assert.Contains($"stack of thread {tid} ({name})", stack.Detail);
            var guard = Assert.Single(regions, r => r.KindValue == MemoryKind.Guard && r.ThreadId == tid);
            Assert.Equal(stack.StartAddress, guard.EndAddress);
            Assert.Equal("---p", guard.Permissions);
        }
        var main = Assert.Single(regions, r => r.Path == "[stack]");
        Assert.Equal(MemoryKind.ThreadStack, main.KindValue);
        Assert.Equal(target.Pid, main.ThreadId);
        Assert.Equal(MemoryKind.MainHeap, Assert.Single(regions, r => r.Path == "[heap]").KindValue);
        Assert.Contains(regions, r => r.KindValue == MemoryKind.Kernel && r.Path == "[vdso]");
        Assert.Contains(regions, r => r.KindValue == MemoryKind.File && r.Path == TargetProcess.ExecutablePath);
    }

    [Fact]
    public void WithoutStackPointersOnlyTheMainStackIsAttributed()
    {
        using var target = TargetProcess.Start("arenas-hold", "4", "64");
        var regions = MemoryTargets.Read(target.Pid, threads: false).Regions();

        Assert.Equal([target.Pid], regions.Where(r => r.ThreadId is not null).Select(r => r.ThreadId!.Value));
    }

    [Theory]
    [InlineData("202 0x55c4b5f78548 0x189 0x0 0x0 0x0 0xffffffff 0x7f71a7b1ed90 0x7f71a7ba8f16\n", 0x7f71a7b1ed90UL)]
    [InlineData("-1 0x7ffd70944d80 0x7f71a7c1b2ec\n", 0x7ffd70944d80UL)]
    [InlineData("running\n", null)]
    public void TheStackPointerIsTheSecondToLastFieldOfTheSyscallFile(string content, ulong? expected) =>
        Assert.Equal(expected, ThreadStackPointers.ParseStackPointer(System.Text.Encoding.ASCII.GetBytes(content)));
}
