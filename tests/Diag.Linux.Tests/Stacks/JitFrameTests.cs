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
        using var target = JitTarget.Start(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], JitTarget.RepoRoot(), ("DOTNET_PerfMapEnabled", "1"));
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
        // --perf-basic-prof also writes V8's isolate log into the working directory: a scratch one.
        var scratch = Directory.CreateTempSubdirectory("diag-node-").FullName;
        try
        {
            using var target = JitTarget.Start(["node", "--perf-basic-prof", "--interpreted-frames-native-stack", "-e", script], scratch);
            AssertNodeStack(target);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void AssertNodeStack(JitTarget.Running target)
    {
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
        public static Running Start(string[] command, string workingDirectory, params (string Name, string Value)[] environment)
        {
            var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workingDirectory };
            foreach (var a in new[] { "-c", "\"$@\" & wait", "sh" }.Concat(command)) info.ArgumentList.Add(a);
            foreach (var (name, value) in environment) info.Environment[name] = value;
            return new Running(SpawnedTarget.Start(info));
        }

        /// <summary>The target. A killed runtime leaves its perf maps in /tmp, and so do the launchers between
        /// the shell and the target (<c>dotnet pwsh</c> is the SDK's CLI, then the tool's shim): they go with it.</summary>
        public sealed class Running(SpawnedTarget target) : IDisposable
        {
            private readonly List<int> _chain = Chain(target.Pid);

            public int Pid => target.Pid;

            public void Dispose()
            {
                target.Dispose();
                foreach (var pid in _chain)
                {
                    File.Delete($"/tmp/perf-{pid}.map");
                    File.Delete($"/tmp/perfinfo-{pid}.map");
                }
            }

            private static List<int> Chain(int pid)
            {
                var chain = new List<int>();
                // Up to the shell, whose parent is this test host.
                for (var p = pid; p > 1 && p != Environment.ProcessId && chain.Count < 8; p = ParentOf(p)) chain.Add(p);
                return chain;
            }

            private static int ParentOf(int pid)
            {
                var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                return int.Parse(line.AsSpan(5).Trim());
            }
        }

        /// <summary>The repository, where <c>dotnet pwsh</c> finds the tool manifest.</summary>
        public static string RepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Diag.slnx"))) return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }
}
