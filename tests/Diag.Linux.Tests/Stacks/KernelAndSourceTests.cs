using Diag.Linux.Interop;
using Diag.Linux.Stacks;

namespace Diag.Linux.Tests.Stacks;

/// <summary>The kernel's half of a stack (-Kernel), read before the thread is stopped, and source lines from DWARF (-SourceLine).</summary>
public sealed class KernelAndSourceTests
{
    [Fact]
    public void KernelStacksShowWhereBlockedThreadsWaitNotThePtraceStop()
    {
        using var target = StackTestSupport.StartParked();
        using var reader = new ThreadStackReader(new ThreadStackOptions { Kernel = true });
        var stacks = reader.Read(target.Pid);
        if (Libc.GetEffectiveUserId() != 0)
        {
            Assert.All(stacks.Threads, t => Assert.Null(t.KernelFrames));
            Assert.Contains(reader.Warnings, w => w.Contains("needs root", StringComparison.Ordinal));
            return;
        }
        Assert.Empty(reader.Warnings);
        var waiter = stacks.Thread(target.Threads["waiter"]);
        Assert.Contains(waiter.KernelFrames!, f => f.Function!.Contains("futex", StringComparison.Ordinal));
        var receiver = stacks.Thread(target.Threads["receiver"]);
        Assert.Contains(receiver.KernelFrames!, f => f.Function!.Contains("recvfrom", StringComparison.Ordinal));
        Assert.All(stacks.Threads.SelectMany(t => t.KernelFrames!), f =>
        {
            Assert.Equal(FrameKind.Kernel, f.KindValue);
            Assert.DoesNotContain("ptrace_stop", f.Function, StringComparison.Ordinal);
        });
        Assert.StartsWith("    [kernel] ", waiter.KernelFrames![0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KernelStackLinesParse()
    {
        var frames = KernelStackParser.Parse("[<0>] futex_wait_queue+0x60/0x90\n[<0>] nfs_wait_bit_killable+0x20/0x60 [nfs]\n[<ffffffff81000000>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n");
        Assert.Equal(3, frames.Length);
        Assert.Equal(("futex_wait_queue", 0x60UL, (string?)null), (frames[0].Function, frames[0].Offset!.Value, frames[0].Module));
        Assert.Equal(("nfs_wait_bit_killable", "nfs"), (frames[1].Function, frames[1].Module));
        Assert.Equal(0xffffffff81000000, frames[2].Address);
        Assert.Equal(2, frames[2].Number);
    }

    [Fact]
    public void SourceLinesPointAtTheCalls()
    {
        using var target = StackTestSupport.StartParked();
        using var reader = new ThreadStackReader(new ThreadStackOptions { SourceLines = true });
        var nested = reader.Read(target.Pid).Thread(target.Threads["nested"]);
        var source = FindSource("stacks.c");
        var lines = File.ReadAllLines(source);
        // stack_nested_4 calls stack_nested_5 on its own line: frame #2 (in stack_nested_4) is at that line.
        var frame = nested.Frames[2];
        Assert.Equal("stack_nested_4", frame.Function);
        Assert.EndsWith("stacks.c", frame.SourceFile, StringComparison.Ordinal);
        Assert.Contains("stack_nested_5(depth + 1)", lines[frame.Line!.Value - 1], StringComparison.Ordinal);
        Assert.Matches(@"^#2  0x[0-9a-f]{16} in stack_nested_4 \(\) at .*stacks\.c:\d+$", frame.ToString());
        // glibc's frames get lines from its debug package (libc6-dbg) when installed; none without it.
        Assert.Empty(reader.Warnings);
    }

    private static string FindSource(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TestTarget", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(name);
    }
}
