using System.Diagnostics;
using Diag.Linux.Stacks;
using Xunit.Abstractions;

namespace Diag.Linux.Tests.Stacks;

/// <summary>
/// JIT-compiled code has no unwind tables and no ELF symbols: the unwinder follows its frame pointers,
/// and the names come from the perf map the runtime publishes (.NET with DOTNET_PerfMapEnabled=1, Node
/// with --perf-basic-prof). Each target spins in Inner, called by Middle, called by Outer.
/// </summary>
public sealed class JitFrameTests(ITestOutputHelper output)
{
    [Fact]
    public void DotNetMethodsAreNamedFromThePerfMap()
    {
        var script = """
            Add-Type -TypeDefinition @'
            using System.Runtime.CompilerServices;
            public static class ManagedStack {
                public static long Counter;
                [MethodImpl(MethodImplOptions.NoInlining)] public static void Outer() { Middle(); Counter++; }
                [MethodImpl(MethodImplOptions.NoInlining)] public static void Middle() { Inner(); Counter++; }
                [MethodImpl(MethodImplOptions.NoInlining)] public static void Inner() {
                    System.Console.WriteLine("READY " + System.Environment.ProcessId); System.Console.Out.Flush();
                    while (true) Counter++;
                }
            }
            '@
            [ManagedStack]::Outer()
            """;
        using var target = JitTarget.Start(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], ("DOTNET_PerfMapEnabled", "1"));
        var stack = FindThread(target.Pid, "ManagedStack::Inner");
        var names = stack.Frames.Take(3).Select(f => f.Function!).ToArray();
        Assert.Contains("ManagedStack::Inner()", names[0], StringComparison.Ordinal);
        Assert.Contains("ManagedStack::Middle()", names[1], StringComparison.Ordinal);
        Assert.Contains("ManagedStack::Outer()", names[2], StringComparison.Ordinal);
        Assert.All(stack.Frames.Take(3), f =>
        {
            Assert.Equal(FrameKind.Jit, f.KindValue);
            Assert.Equal($"/tmp/perf-{target.Pid}.map", f.Module);
        });
        // Below the managed frames: the runtime's native code and glibc's thread start.
        Assert.Contains(stack.Frames, f => f.Function == "start_thread");
    }

    [Fact]
    public void NodeFunctionsAreNamedFromThePerfMap()
    {
        var script = "function innerSpin(){ let x = 0; for (;;) { x++; } } function middleCall(){ innerSpin(); } function outerCall(){ middleCall(); } " +
                     "console.log('READY ' + process.pid); outerCall();";
        if (!OnPath("node"))
        {
            output.WriteLine("NOT RUN: node is not installed (.ci/run installs nodejs)");
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, "CI must have node");
            return;
        }
        using var target = JitTarget.Start(["node", "--perf-basic-prof", "--interpreted-frames-native-stack", "-e", script]);
        Thread.Sleep(300); // let the loop be optimized (on-stack replacement), as a long-running server's would be
        var stack = FindThread(target.Pid, "innerSpin");
        var names = stack.Frames.Select(f => f.Function ?? "").ToList();
        var inner = names.FindIndex(n => n.Contains("innerSpin", StringComparison.Ordinal));
        var middle = names.FindIndex(n => n.Contains("middleCall", StringComparison.Ordinal));
        var outer = names.FindIndex(n => n.Contains("outerCall", StringComparison.Ordinal));
        Assert.True(inner >= 0 && inner < middle && middle < outer, string.Join("\n", names));
        Assert.Contains(stack.Frames, f => f.Function == "_start");
        Assert.True(stack.Complete, stack.Problem);
    }

    private static ThreadStack FindThread(int pid, string function)
    {
        using var reader = new ThreadStackReader();
        var stacks = reader.Read(pid);
        Assert.Null(stacks.Failure);
        var found = stacks.Threads.Where(t => t.Signature.Contains(function, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, $"no single thread in {function}:\n" + string.Join("\n", stacks.Threads.Select(t => $"{t.ThreadId} {t.ThreadName}: {t.Signature} {t.Problem}")));
        return found[0];
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>A runtime started through a shell that backgrounds it, so that it is not a child of the test host.</summary>
    private static class JitTarget
    {
        public static SpawnedTarget Start(string[] command, params (string Name, string Value)[] environment)
        {
            var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = RepoRoot() };
            foreach (var a in new[] { "-c", "\"$@\" & wait", "sh" }.Concat(command)) info.ArgumentList.Add(a);
            foreach (var (name, value) in environment) info.Environment[name] = value;
            return SpawnedTarget.Start(info);
        }

        private static string RepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Diag.slnx"))) return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }
}
