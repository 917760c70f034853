using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Diag.Linux.Syscalls;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Bench;

/// <summary>
/// Trace-Syscall's kernel backend against bpftrace (the equivalent in-kernel programs), strace -c and the
/// ptrace backend, in one run: the added cost per traced syscall on a getppid loop and on
/// <c>dd if=/dev/zero of=/dev/null bs=1</c>, launched and attached, and the system-wide tax an active trace
/// puts on an untraced process.
///   dotnet run -c Release --project bench/Diag.Bench -- kernel [CALLS] [RUNS] [--no-ptrace]
/// (--no-ptrace leaves out strace and the ptrace backend: the in-kernel counters against each other, in minutes.)
/// Added cost per call = ((traced - traced zero-call run) - (untraced - untraced zero-call run)) / calls for
/// launched commands (each tool's start-up measured apart on a zero-call run), (traced - untraced) / calls
/// for attached ones (the time from the go signal to the target's exit). strace and ptrace run a twentieth
/// of the calls (they are 100-500 times slower); per-call figures compare. Medians of RUNS interleaved runs.
/// Next to wall time, the same difference in CPU time (user + system of this process and every process it
/// started: tracer, tracee, bpftrace, strace), which a busy machine disturbs far less: in-kernel programs
/// run in the traced task and are charged to it.
/// bpftrace needs tracefs (mount -t tracefs nodev /sys/kernel/tracing): without it its rows are skipped.
/// </summary>
internal static class KernelSyscallBenchmark
{
    private const int SlowDivisor = 20;

    private enum Tool { Untraced, KernelCount, KernelTime, BpftraceCount, BpftraceTime, Strace, Ptrace }

    private static readonly string[] ToolNames =
    [
        "untraced", "Diag kernel, count", "Diag kernel, count + latency", "bpftrace, count", "bpftrace, count + latency hist",
        "strace -c -f", "Diag ptrace",
    ];

    private sealed record Workload(string Name, string Program, Func<long, string[]> Arguments, Func<long, long> Calls);

    private sealed class Sample
    {
        public List<double> Seconds { get; } = new();
        public List<double> ZeroSeconds { get; } = new();
        public List<double> Cpu { get; } = new();
        public List<double> ZeroCpu { get; } = new();
        public List<double> StartSeconds { get; } = new();
        public long Calls;
        public string Counted = "";
    }

    public static int Run(string[] args)
    {
        var noPtrace = args.Contains("--no-ptrace");
        args = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var calls = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var target = Path.Combine(BenchTarget.RepoRoot(), "out", "test-target", "diag-test-target");
        if (!File.Exists(target))
            throw new FileNotFoundException("Build the test target first: dotnet build Diag.slnx", target);
        var tools = Available(noPtrace);

        var workloads = new[]
        {
            new Workload("getppid loop", target, n => ["getppid", n.ToString(CultureInfo.InvariantCulture), "0"], n => n),
            new Workload("dd bs=1", Which("dd"), n => ["if=/dev/zero", "of=/dev/null", "bs=1", "count=" + (n / 2).ToString(CultureInfo.InvariantCulture), "status=none"], n => n / 2 * 2),
        };
        var samples = new Dictionary<(string Workload, bool Attached, Tool Tool), Sample>();
        var tax = new Dictionary<string, (List<double> Wall, List<double> Cpu)>();

        // Warm-up: JIT of both backends, page cache of every program.
        foreach (var tool in tools)
            Launched(tool, workloads[0], 1000, new Sample());

        for (var run = 0; run < runs; run++)
        {
            foreach (var workload in workloads)
                foreach (var attached in new[] { false, true })
                    foreach (var tool in tools)
                    {
                        var n = tool is Tool.Strace or Tool.Ptrace ? calls / SlowDivisor : calls;
                        var sample = samples.TryGetValue((workload.Name, attached, tool), out var s) ? s : samples[(workload.Name, attached, tool)] = new Sample();
                        if (attached)
                            Attached(tool, workload, n, sample);
                        else
                            Launched(tool, workload, n, sample);
                    }
            SystemWideTax(target, calls, tools, tax);
        }

        Report(workloads, tools, samples, tax, calls, runs);
        return 0;
    }

    private static List<Tool> Available(bool noPtrace)
    {
        var tools = new List<Tool> { Tool.Untraced, Tool.KernelCount, Tool.KernelTime };
        if (!OnPath("bpftrace"))
            Console.WriteLine("bpftrace is not installed (apt-get install bpftrace): its rows are skipped");
        else if (!Directory.Exists("/sys/kernel/tracing/events/raw_syscalls") && !Directory.Exists("/sys/kernel/debug/tracing/events/raw_syscalls"))
            Console.WriteLine("tracefs is not mounted, which bpftrace's tracepoints need (mount -t tracefs nodev /sys/kernel/tracing): its rows are skipped");
        else
            tools.AddRange([Tool.BpftraceCount, Tool.BpftraceTime]);
        if (noPtrace)
            return tools;
        if (OnPath("strace"))
            tools.Add(Tool.Strace);
        tools.Add(Tool.Ptrace);
        return tools;
    }

    // ---- launched: the tool starts the command ----

    private static void Launched(Tool tool, Workload workload, long n, Sample sample)
    {
        var (wall, cpu) = LaunchOnce(tool, workload, n, sample);
        sample.Seconds.Add(wall);
        sample.Cpu.Add(cpu);
        (wall, cpu) = LaunchOnce(tool, workload, 0, null);
        sample.ZeroSeconds.Add(wall);
        sample.ZeroCpu.Add(cpu);
        sample.Calls = workload.Calls(n);
    }

    /// <summary>CPU time of this process and of every child it reaped so far.</summary>
    private static double CpuNow() => (CpuUsage.Self() + CpuUsage.Children()).TotalSeconds;

    private static (double Wall, double Cpu) LaunchOnce(Tool tool, Workload workload, long n, Sample? counts)
    {
        var args = workload.Arguments(n);
        var command = string.Join(' ', [workload.Program, .. args]);
        var output = Path.GetTempFileName();
        try
        {
            var cpu = CpuNow();
            var clock = Stopwatch.StartNew();
            switch (tool)
            {
                case Tool.Untraced:
                    RunProcess(workload.Program, args);
                    break;
                case Tool.KernelCount or Tool.KernelTime or Tool.Ptrace:
                    var launch = new TraceTarget.Launch(workload.Program, args, null);
                    using (var session = tool == Tool.Ptrace
                        ? PtraceSyscallTracer.Start(launch, new TraceOptions())
                        : KernelSyscallTracer.Start(launch, new TraceOptions(), measureTime: tool == Tool.KernelTime))
                    {
                        var result = session.Completion.GetAwaiter().GetResult();
                        if (counts is not null)
                            counts.Counted = Describe(result);
                    }
                    break;
                case Tool.BpftraceCount or Tool.BpftraceTime:
                    var text = RunProcess("bpftrace", ["-e", BpftraceProgram(tool, "cpid"), "-c", command], capture: true);
                    if (counts is not null)
                        counts.Counted = DescribeBpftrace(text);
                    break;
                case Tool.Strace:
                    RunProcess("strace", ["-c", "-f", "-o", output, workload.Program, .. args]);
                    if (counts is not null)
                        counts.Counted = DescribeStrace(File.ReadAllText(output));
                    break;
            }
            return (clock.Elapsed.TotalSeconds, CpuNow() - cpu);
        }
        finally
        {
            File.Delete(output);
        }
    }

    // ---- attached: the tool attaches to a waiting process, which then runs the command ----

    private static void Attached(Tool tool, Workload workload, long n, Sample sample)
    {
        var output = Path.GetTempFileName();
        using var waiting = WaitingCommand.Start(workload.Program, workload.Arguments(n));
        Process? helper = null;
        ISyscallTraceSession? session = null;
        try
        {
            var attach = Stopwatch.StartNew();
            switch (tool)
            {
                case Tool.KernelCount or Tool.KernelTime:
                    session = KernelSyscallTracer.Start(new TraceTarget.Process(waiting.Pid), new TraceOptions(), measureTime: tool == Tool.KernelTime);
                    break;
                case Tool.Ptrace:
                    session = PtraceSyscallTracer.Start(new TraceTarget.Process(waiting.Pid), new TraceOptions());
                    break;
                case Tool.BpftraceCount or Tool.BpftraceTime:
                    helper = StartProcess("bpftrace", ["-e", BpftraceProgram(tool, waiting.Pid.ToString(CultureInfo.InvariantCulture))]);
                    WaitForBpftrace(helper.Id, tool);
                    break;
                case Tool.Strace:
                    helper = StartProcess("strace", ["-c", "-f", "-o", output, "-p", waiting.Pid.ToString(CultureInfo.InvariantCulture)]);
                    while (TracerPid(waiting.Pid) == 0)
                        Thread.Sleep(1);
                    break;
            }
            var attached = attach.Elapsed.TotalSeconds;
            var cpu = CpuNow() + (helper is null ? 0 : ProcessCpu(helper.Id)); // the helper's own start-up is not the target's
            var clock = Stopwatch.StartNew();
            waiting.Go();
            waiting.WaitForExit();
            sample.Seconds.Add(clock.Elapsed.TotalSeconds);
            sample.StartSeconds.Add(attached);
            sample.Calls = workload.Calls(n);

            if (session is not null)
                sample.Counted = Describe(session.Completion.GetAwaiter().GetResult());
            if (helper is not null)
            {
                var text = tool == Tool.Strace ? ReadToExit(helper) : StopBpftrace(helper);
                sample.Counted = tool == Tool.Strace ? DescribeStrace(File.ReadAllText(output)) : DescribeBpftrace(text);
            }
            sample.Cpu.Add(CpuNow() - cpu);
        }
        finally
        {
            session?.Dispose();
            helper?.Dispose();
            File.Delete(output);
        }
    }

    // ---- the tax on everyone else: an untraced getppid loop while each tool traces an idle process ----

    private static void SystemWideTax(string target, long calls, List<Tool> tools, Dictionary<string, (List<double> Wall, List<double> Cpu)> tax)
    {
        string[] loop = ["getppid", calls.ToString(CultureInfo.InvariantCulture), "0"];
        using var idle = BenchTarget.Start("sleep");
        void Measure(string what, Action<Action> around)
        {
            double seconds = 0, cpu = 0;
            around(() =>
            {
                var before = CpuUsage.Children();
                var clock = Stopwatch.StartNew();
                RunProcess(target, loop);
                seconds = clock.Elapsed.TotalSeconds;
                cpu = (CpuUsage.Children() - before).TotalSeconds; // the loop's own CPU: the tax is charged to it
            });
            if (!tax.TryGetValue(what, out var lists))
                tax[what] = lists = (new List<double>(), new List<double>());
            lists.Wall.Add(seconds);
            lists.Cpu.Add(cpu);
        }

        Measure("no trace", body => body());
        foreach (var (name, time, follow) in new[] { ("Diag kernel, count", false, false), ("Diag kernel, count + latency", true, false), ("Diag kernel, count + latency, FollowForks", true, true) })
            Measure(name, body =>
            {
                using var session = KernelSyscallTracer.Start(new TraceTarget.Process(idle.Pid), new TraceOptions { FollowForks = follow }, time);
                body();
            });
        foreach (var tool in tools.Where(t => t is Tool.BpftraceCount or Tool.BpftraceTime))
            Measure(ToolNames[(int)tool], body =>
            {
                using var bpftrace = StartProcess("bpftrace", ["-e", BpftraceProgram(tool, idle.Pid.ToString(CultureInfo.InvariantCulture))]);
                WaitForBpftrace(bpftrace.Id, tool);
                body();
                StopBpftrace(bpftrace);
            });
    }

    /// <summary>The bpftrace equivalents: count by syscall id at sys_exit; entry time by tid, then count and a
    /// log2 histogram of the duration by id at sys_exit (the enter/exit latency histogram).</summary>
    private static string BpftraceProgram(Tool tool, string pid) => tool == Tool.BpftraceCount
        ? $"tracepoint:raw_syscalls:sys_exit /pid == {pid}/ {{ @c[args->id] = count(); }}"
        : $"tracepoint:raw_syscalls:sys_enter /pid == {pid}/ {{ @s[tid] = nsecs; }} " +
          $"tracepoint:raw_syscalls:sys_exit /pid == {pid} && @s[tid]/ {{ @c[args->id] = count(); @h[args->id] = hist(nsecs - @s[tid]); delete(@s[tid]); }}";

    // ---- the report ----

    private static void Report(Workload[] workloads, List<Tool> tools, Dictionary<(string, bool, Tool), Sample> samples,
        Dictionary<string, (List<double> Wall, List<double> Cpu)> tax, long calls, int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} CPUs; kernel {Environment.OSVersion.Version}; {calls} calls ({calls / SlowDivisor} for strace and ptrace); median of {runs} runs, interleaved");
        var added = new Dictionary<(string, bool, Tool), (double Wall, double Cpu)>();
        foreach (var workload in workloads)
            foreach (var attached in new[] { false, true })
            {
                Console.WriteLine();
                Console.WriteLine($"{workload.Name}, {(attached ? "attached (from the go signal to the exit)" : "launched (start-up measured on a zero-call run)")}");
                Console.WriteLine($"| {"tool",-31} | {"calls",9} | {"wall s",7} | {"start-up s",10} | {"added ns/call",13} | {"slowdown",8} | {"added CPU ns/call",17} | {"CPU x",6} | counted");
                Console.WriteLine($"|{new string('-', 33)}|{new string('-', 11)}|{new string('-', 9)}|{new string('-', 12)}|{new string('-', 15)}|{new string('-', 10)}|{new string('-', 19)}|{new string('-', 8)}|--------");
                var untraced = samples[(workload.Name, attached, Tool.Untraced)];
                var wallPerCall = (Median(untraced.Seconds) - (attached ? 0 : Median(untraced.ZeroSeconds))) / untraced.Calls;
                var cpuPerCall = (Median(untraced.Cpu) - (attached ? 0 : Median(untraced.ZeroCpu))) / untraced.Calls;
                foreach (var tool in tools)
                {
                    var s = samples[(workload.Name, attached, tool)];
                    var wall = Median(s.Seconds);
                    var startUp = attached ? Median(s.StartSeconds) : Median(s.ZeroSeconds) - Median(untraced.ZeroSeconds);
                    var work = wall - (attached ? 0 : Median(s.ZeroSeconds));
                    var cpuWork = Median(s.Cpu) - (attached ? 0 : Median(s.ZeroCpu));
                    var extra = (work - wallPerCall * s.Calls) / s.Calls * 1e9;
                    var extraCpu = (cpuWork - cpuPerCall * s.Calls) / s.Calls * 1e9;
                    added[(workload.Name, attached, tool)] = (extra, extraCpu);
                    var slowdown = work / (wallPerCall * s.Calls);
                    var cpuSlowdown = cpuWork / (cpuPerCall * s.Calls);
                    var untracedRow = tool == Tool.Untraced;
                    Console.WriteLine($"| {ToolNames[(int)tool],-31} | {s.Calls,9} | {wall,7:F3} | {(untracedRow ? "" : startUp.ToString("F3", CultureInfo.InvariantCulture)),10} | {(untracedRow ? "" : extra.ToString("F0", CultureInfo.InvariantCulture)),13} | {slowdown,7:F1}x | {(untracedRow ? "" : extraCpu.ToString("F0", CultureInfo.InvariantCulture)),17} | {cpuSlowdown,5:F1}x | {s.Counted}");
                }
            }

        if (tools.Contains(Tool.BpftraceCount))
        {
            Console.WriteLine();
            Console.WriteLine("Diag kernel's added cost per call / bpftrace's (target <= 0.5), by wall time and by CPU time:");
            foreach (var workload in workloads)
                foreach (var attached in new[] { false, true })
                {
                    var k = added[(workload.Name, attached, Tool.KernelCount)];
                    var b = added[(workload.Name, attached, Tool.BpftraceCount)];
                    var kt = added[(workload.Name, attached, Tool.KernelTime)];
                    var bt = added[(workload.Name, attached, Tool.BpftraceTime)];
                    Console.WriteLine($"  {workload.Name,-13} {(attached ? "attached" : "launched"),-9} count {k.Wall / b.Wall:F2} (CPU {k.Cpu / b.Cpu:F2})   count + latency {kt.Wall / bt.Wall:F2} (CPU {kt.Cpu / bt.Cpu:F2})");
                }
        }

        Console.WriteLine();
        Console.WriteLine($"System-wide tax: an untraced getppid loop ({calls} calls) while the tool traces another, idle process");
        var none = Median(tax["no trace"].Wall);
        var noneCpu = Median(tax["no trace"].Cpu);
        foreach (var (what, (wall, cpu)) in tax)
        {
            var m = Median(wall);
            var c = Median(cpu);
            Console.WriteLine($"  {what,-42} {m,7:F3} s   " + (what == "no trace" ? $"(CPU {c:F3} s)"
                : $"+{(m - none) / calls * 1e9:F0} ns per syscall of every process ({m / none:F2}x); CPU +{(c - noneCpu) / calls * 1e9:F0} ns ({c / noneCpu:F2}x)"));
        }
        Console.WriteLine();
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- kernel {calls} {runs}");
    }

    // ---- helpers ----

    private static string Describe(TraceResult result)
    {
        var rows = result.Summary.Where(r => r.Number is 0 or 1 || r.Syscall == "getppid").OrderBy(r => r.Number);
        return string.Join(" ", rows.Select(r => $"{r.Syscall}={r.Calls}"));
    }

    private static string DescribeBpftrace(string output)
    {
        var names = Regex.Matches(output, @"^@c\[(\d+)\]: (\d+)", RegexOptions.Multiline)
            .Select(m => (Number: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Count: m.Groups[2].Value))
            .Where(m => m.Number is 0 or 1 || SyscallTable.GetName(m.Number) == "getppid")
            .OrderBy(m => m.Number);
        return string.Join(" ", names.Select(m => $"{SyscallTable.GetName(m.Number)}={m.Count}"));
    }

    private static string DescribeStrace(string table)
    {
        var rows = table.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length is 5 or 6 && f[^1] is "read" or "write" or "getppid")
            .OrderBy(f => SyscallTable.TryGetNumber(f[^1], out var n) ? n : 0);
        return string.Join(" ", rows.Select(f => $"{f[^1]}={f[3]}"));
    }

    private static string RunProcess(string file, string[] args, bool capture = false)
    {
        using var process = StartProcess(file, args, capture);
        var output = capture ? process.StandardOutput.ReadToEnd() : "";
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}");
        return output;
    }

    private static Process StartProcess(string file, string[] args, bool capture = true)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = capture, RedirectStandardError = capture };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        if (capture)
            _ = process.StandardError.ReadToEndAsync(); // bpftrace's RLIMIT_MEMLOCK warning, strace's notes
        return process;
    }

    /// <summary>Ends bpftrace as Ctrl+C would (SIGTERM: SIGINT is ignored in background jobs), repeating the
    /// signal while it does not exit (bpftrace 0.17 sometimes misses the first one), and returns what it printed.</summary>
    private static string StopBpftrace(Process bpftrace)
    {
        var output = bpftrace.StandardOutput.ReadToEndAsync();
        do
            Diag.Linux.Interop.Libc.Kill(bpftrace.Id, 15);
        while (!bpftrace.WaitForExit(2000));
        bpftrace.WaitForExit();
        return output.GetAwaiter().GetResult();
    }

    private static string ReadToExit(Process process)
    {
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    /// <summary>bpftrace is attached once it holds a perf_event fd per tracepoint besides the one per online CPU
    /// of its output ring buffer (opened before the probes).</summary>
    private static void WaitForBpftrace(int pid, Tool tool) =>
        WaitForFds(pid, "anon_inode:[perf_event]", OnlineCpus() + (tool == Tool.BpftraceCount ? 1 : 2));

    private static int OnlineCpus()
    {
        var count = 0;
        foreach (var range in File.ReadAllText("/sys/devices/system/cpu/online").Trim().Split(','))
        {
            var bounds = range.Split('-').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            count += bounds.Length == 2 ? bounds[1] - bounds[0] + 1 : 1;
        }
        return count;
    }

    private static void WaitForFds(int pid, string kind, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(f => Target(f) == kind) < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"process {pid} did not open {count} {kind}");
            Thread.Sleep(5);
        }
        Thread.Sleep(50); // opened, then enabled: give it a moment
    }

    private static string? Target(string link)
    {
        try
        {
            return new FileInfo(link).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>User + system time a live process used so far (/proc/PID/stat, clock ticks).</summary>
    private static double ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) // fields 14 and 15
            / (double)Diag.Linux.Interop.Libc.SysConf(Diag.Linux.Interop.Libc._SC_CLK_TCK);
    }

    private static int TracerPid(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("TracerPid:", StringComparison.Ordinal))
                return int.Parse(line["TracerPid:".Length..].Trim(), CultureInfo.InvariantCulture);
        return 0;
    }

    private static bool OnPath(string name) => Which(name) != name;

    /// <summary>The full path of a program found in PATH (bpftrace -c wants one), or the name itself.</summary>
    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    /// <summary><c>diag-test-target spawn exec-on-line PROGRAM ARGS</c>: a process that is not our child (ptrace
    /// could not trace it otherwise), waiting for a line before it execs the command.</summary>
    private sealed class WaitingCommand : IDisposable
    {
        private readonly Process _spawner;

        private WaitingCommand(Process spawner, int pid)
        {
            _spawner = spawner;
            Pid = pid;
        }

        public int Pid { get; }

        public static WaitingCommand Start(string program, string[] args)
        {
            var target = Path.Combine(BenchTarget.RepoRoot(), "out", "test-target", "diag-test-target");
            var spawner = StartProcessWithInput(target, ["spawn", "exec-on-line", program, .. args]);
            string? line;
            while ((line = spawner.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
            {
            }
            if (line is null)
                throw new InvalidOperationException("the waiting command did not start");
            return new WaitingCommand(spawner, int.Parse(line[6..], CultureInfo.InvariantCulture));
        }

        public void Go()
        {
            _spawner.StandardInput.WriteLine("go");
            _spawner.StandardInput.Flush();
        }

        public void WaitForExit()
        {
            _spawner.WaitForExit();
            if (_spawner.ExitCode != 0)
                throw new InvalidOperationException($"the command exited with {_spawner.ExitCode}");
        }

        public void Dispose()
        {
            if (!_spawner.HasExited)
                _spawner.Kill(entireProcessTree: true);
            _spawner.Dispose();
        }

        private static Process StartProcessWithInput(string file, string[] args)
        {
            var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            return Process.Start(info)!;
        }
    }
}
