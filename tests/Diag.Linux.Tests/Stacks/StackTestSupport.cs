using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Diag.Linux.Stacks;

namespace Diag.Linux.Tests.Stacks;

/// <summary>Reading stacks in the tests, and what eu-stack and gdb say of the same threads.</summary>
internal static partial class StackTestSupport
{
    /// <summary>The threads of the "stacks" mode and their frames' functions, innermost first, as far as the
    /// test target's own code goes (then start_thread and clone3 in libc). glibc's local functions
    /// (start_thread, __libc_start_call_main) are named from its debug package, libc6-dbg (.ci/run installs it).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ExpectedFunctions = new Dictionary<string, string[]>
    {
        ["spinner"] = ["stack_spin_loop", "stack_spin_thread", "start_thread", "__clone3"],
        ["receiver"] = ["recvfrom", "stack_blocking_recvfrom", "stack_recvfrom_thread", "start_thread", "__clone3"],
        ["waiter"] = ["syscall", "stack_futex_wait", "stack_futex_thread", "start_thread", "__clone3"],
        ["nested"] = ["pause", "stack_nested_5", "stack_nested_4", "stack_nested_3", "stack_nested_2", "stack_nested_1", "stack_nested_thread", "start_thread", "__clone3"],
        ["signalled"] = ["pause", "stack_signal_handler", "__restore_rt", "stack_signal_interrupted", "stack_signal_thread", "start_thread", "__clone3"],
    };

    /// <summary>Starts the "stacks" mode and waits until its main thread, which printed READY, blocks reading stdin.</summary>
    public static SpawnedTarget StartParked(string? executable = null)
    {
        var target = SpawnedTarget.StartExecutable(executable ?? TargetProcess.ExecutablePath, "stacks");
        TargetProcess.WaitUntilReading(target.Pid, target.Pid);
        return target;
    }

    public static ProcessStacks Read(int pid, ThreadStackOptions? options = null)
    {
        using var reader = new ThreadStackReader(options);
        var stacks = reader.Read(pid);
        Assert.Null(stacks.Failure);
        return stacks;
    }

    public static ThreadStack Thread(this ProcessStacks stacks, int tid) => Assert.Single(stacks.Threads, t => t.ThreadId == tid);

    public static string[] Functions(this ThreadStack stack) => stack.Frames.Select(f => f.Function ?? "??").ToArray();

    /// <summary>One frame as another tool printed it: its PC (null where gdb leaves it out) and function.</summary>
    public sealed record ToolFrame(ulong? Address, string Function);

    /// <summary>eu-stack -p PID: TID → frames.</summary>
    public static Dictionary<int, List<ToolFrame>> EuStack(int pid)
    {
        var text = Run("eu-stack", "-p", pid.ToString(CultureInfo.InvariantCulture));
        var threads = new Dictionary<int, List<ToolFrame>>();
        List<ToolFrame>? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (EuThread().Match(line) is { Success: true } t) threads[int.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture)] = current = new();
            else if (EuFrame().Match(line) is { Success: true } f && current is not null)
                current.Add(new ToolFrame(ulong.Parse(f.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), StripVersion(f.Groups[2].Value.Trim())));
        }
        return threads;
    }

    /// <summary>gdb -batch -ex 'thread apply all bt' -p PID (what pstack runs): TID → frames.</summary>
    public static Dictionary<int, List<ToolFrame>> Gdb(int pid)
    {
        var text = Run("gdb", "-q", "-nx", "-batch", "-ex", "set pagination off", "-ex", "thread apply all bt", "-p", pid.ToString(CultureInfo.InvariantCulture));
        var threads = new Dictionary<int, List<ToolFrame>>();
        List<ToolFrame>? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (GdbThread().Match(line) is { Success: true } t) threads[int.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture)] = current = new();
            else if (current is not null && line.StartsWith('#'))
            {
                if (line.Contains("<signal handler called>", StringComparison.Ordinal)) current.Add(new ToolFrame(null, "<signal handler called>"));
                else if (GdbFrame().Match(line) is { Success: true } f)
                    current.Add(new ToolFrame(f.Groups[1].Success ? ulong.Parse(f.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null, f.Groups[2].Value));
            }
        }
        return threads;
    }

    /// <summary>The same libc function under the names tools give it: __GI___libc_read, __libc_read, read; clone3, __clone3.</summary>
    public static string Canonical(string function)
    {
        var name = StripVersion(function);
        string before;
        do
        {
            before = name;
            name = name.TrimStart('_');
            foreach (var prefix in new[] { "GI_", "libc_", "new_" })
                if (name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
        } while (name != before);
        return name;
    }

    private static string StripVersion(string name) => name.Split('@')[0];

    private static string Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed (apt-get install elfutils gdb; .ci/run installs them): {e.Message}");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), tool + " did not finish");
            return output.Result;
        }
    }

    [GeneratedRegex(@"^TID (\d+):")]
    private static partial Regex EuThread();

    [GeneratedRegex(@"^#\d+\s+0x([0-9a-f]+)\s*(.*)$")]
    private static partial Regex EuFrame();

    [GeneratedRegex(@"^Thread \d+ \(.*\(LWP (\d+)\)")]
    private static partial Regex GdbThread();

    [GeneratedRegex(@"^#\d+\s+(?:0x([0-9a-f]+) in )?(\S+) \(")]
    private static partial Regex GdbFrame();
}
