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
            Assert.Equal(FrameKind.Jit, f.Kind);
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
        return Assert.Single(stacks.Threads, t => t.Signature.Contains(function, StringComparison.Ordinal));
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>A runtime started through a shell that backgrounds it, so that it is not a child of the test host.</summary>
    private sealed class JitTarget : IDisposable
    {
        private readonly Process _shell;

        private JitTarget(Process shell, int pid)
        {
            _shell = shell;
            Pid = pid;
        }

        public int Pid { get; }

        public static JitTarget Start(string[] command, params (string Name, string Value)[] environment)
        {
            var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = RepoRoot() };
            foreach (var a in new[] { "-c", "\"$@\" & wait", "sh" }.Concat(command)) info.ArgumentList.Add(a);
            foreach (var (name, value) in environment) info.Environment[name] = value;
            var shell = Process.Start(info)!;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var read = shell.StandardOutput.ReadLineAsync();
                if (!read.Wait(deadline - DateTime.UtcNow) || read.Result is null)
                {
                    shell.Kill(entireProcessTree: true);
                    throw new InvalidOperationException($"{command[0]} did not print READY");
                }
                if (read.Result.StartsWith("READY ", StringComparison.Ordinal)) return new JitTarget(shell, int.Parse(read.Result[6..]));
            }
        }

        public void Dispose()
        {
            try { Process.GetProcessById(Pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            _shell.WaitForExit(10_000);
            _shell.Dispose();
        }

        private static string RepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Diag.slnx"))) return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }
}
