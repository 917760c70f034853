using Diag.Linux.Stacks;

namespace Diag.Linux.Tests.Stacks;

/// <summary>
/// Threads parked in known functions (tests/TestTarget/stacks.c) unwind to exactly those functions, in
/// order: through glibc without frame pointers, a PIE and a non-PIE build, and a signal frame; and equal
/// frame by frame to what eu-stack (libdw) and gdb (what pstack runs) report for the same threads.
/// </summary>
public sealed class KnownFunctionTests
{
    private static readonly string NoPie = TargetProcess.ExecutablePath + "-nopie";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EachThreadUnwindsToItsFunctionsInOrder(bool nonPie)
    {
        using var target = StackTestSupport.StartParked(nonPie ? NoPie : null);
        var stacks = StackTestSupport.Read(target.Pid);

        Assert.Equal(6, stacks.Threads.Count); // the main thread and the five parked ones
        foreach (var (name, expected) in StackTestSupport.ExpectedFunctions)
        {
            var stack = stacks.Thread(target.Threads[name]);
            Assert.Equal(expected, stack.Functions());
            Assert.True(stack.Complete, $"{name}: {stack.Problem}");
            Assert.Null(stack.Problem);
            Assert.Equal(name, stack.ThreadName);
            Assert.Equal(string.Join(" < ", expected), stack.Signature);
        }
        var main = stacks.Thread(target.Pid);
        Assert.Equal(["read", "_IO_file_underflow", "_IO_default_uflow", "_IO_getline_info", "_IO_fgets", "main", "__libc_start_call_main", "__libc_start_main", "_start"],
            main.Functions());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FramesSayWhereTheCodeIs(bool nonPie)
    {
        var executable = nonPie ? NoPie : TargetProcess.ExecutablePath;
        using var target = StackTestSupport.StartParked(executable);
        var nested = StackTestSupport.Read(target.Pid).Thread(target.Threads["nested"]);

        Assert.Equal(Enumerable.Range(0, nested.Frames.Count), nested.Frames.Select(f => f.Number));
        var libc = nested.Frames[0];
        Assert.Matches(@"/libc\.so\.6$", libc.Module);
        Assert.Equal(FrameKind.Native, libc.KindValue);
        Assert.Equal("pause", libc.Function);
        var own = nested.Frames[1];
        Assert.Equal(executable, own.Module);
        Assert.InRange(own.Offset!.Value, 1UL, 64UL);
        // The link-time address: the same as the runtime one without PIE, smaller than it with.
        if (nonPie) Assert.Equal(own.Address, own.ModuleOffset);
        else Assert.True(own.ModuleOffset < own.Address && own.ModuleOffset < 0x100000);
        Assert.Matches(@"^#1  0x[0-9a-f]{16} in stack_nested_5 \(\) from /", own.ToString());
    }

    [Fact]
    public void TheSignalFrameSitsBetweenHandlerAndInterruptedCode()
    {
        using var target = StackTestSupport.StartParked();
        var stack = StackTestSupport.Read(target.Pid).Thread(target.Threads["signalled"]);
        var kinds = stack.Frames.Select(f => f.KindValue).ToArray();
        Assert.Equal(FrameKind.Signal, kinds[2]);
        Assert.Equal(1, kinds.Count(k => k == FrameKind.Signal));
        Assert.Equal("#2  <signal handler called>", stack.Frames[2].ToString());
        // The interrupted function's PC is where the signal hit, not a return address: it lies inside its spin loop.
        Assert.Equal("stack_signal_interrupted", stack.Frames[3].Function);
    }

    [Fact]
    public void CurrentSyscallAndStateComeFromTheStoppedThread()
    {
        using var target = StackTestSupport.StartParked();
        var stacks = StackTestSupport.Read(target.Pid);
        Assert.Equal("recvfrom", stacks.Thread(target.Threads["receiver"]).CurrentSyscall);
        Assert.Equal("futex", stacks.Thread(target.Threads["waiter"]).CurrentSyscall);
        Assert.Equal("pause", stacks.Thread(target.Threads["nested"]).CurrentSyscall);
        Assert.Equal("read", stacks.Thread(target.Pid).CurrentSyscall);
        var spinner = stacks.Thread(target.Threads["spinner"]);
        Assert.Null(spinner.CurrentSyscall);
        Assert.Equal(Diag.Linux.Threads.ThreadStates.Running, spinner.State);
        Assert.Equal(Diag.Linux.Threads.ThreadStates.Sleeping, stacks.Thread(target.Threads["receiver"]).State);
    }

    [Fact]
    public void FramesEqualEuStacksForTheSameThreads()
    {
        using var target = StackTestSupport.StartParked();
        var ours = StackTestSupport.Read(target.Pid);
        var euStack = StackTestSupport.EuStack(target.Pid);

        Assert.Equal(ours.Threads.Select(t => t.ThreadId).Order(), euStack.Keys.Order());
        foreach (var stack in ours.Threads)
        {
            var theirs = euStack[stack.ThreadId];
            Assert.Equal(theirs.Select(f => f.Function), stack.Functions());
            var spinning = stack.ThreadId == target.Threads["spinner"];
            // The spinner moves between the two reads; every other thread is parked in a system call.
            Assert.Equal(theirs.Select(f => f.Address).Skip(spinning ? 1 : 0), stack.Frames.Select(f => (ulong?)f.Address).Skip(spinning ? 1 : 0));
        }
    }

    [Fact]
    public void FramesEqualGdbsForTheSameThreads()
    {
        using var target = StackTestSupport.StartParked();
        var ours = StackTestSupport.Read(target.Pid);
        var gdb = StackTestSupport.Gdb(target.Pid);

        // gdb also prints inlined functions from debug information (the main thread's serve() in main()):
        // the parked threads have none.
        foreach (var (name, _) in StackTestSupport.ExpectedFunctions)
        {
            var stack = ours.Thread(target.Threads[name]);
            var theirs = gdb[stack.ThreadId];
            Assert.Equal(theirs.Count, stack.Frames.Count);
            for (var i = 0; i < theirs.Count; i++)
            {
                var frame = stack.Frames[i];
                if (frame.KindValue == FrameKind.Signal)
                {
                    Assert.Equal("<signal handler called>", theirs[i].Function);
                    continue;
                }
                Assert.Equal(StackTestSupport.Canonical(theirs[i].Function), StackTestSupport.Canonical(frame.Function!));
                if (theirs[i].Address is { } address && !(name == "spinner" && i == 0)) Assert.Equal(address, frame.Address);
            }
        }
    }
}
