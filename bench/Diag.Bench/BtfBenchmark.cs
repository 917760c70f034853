using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;

namespace Diag.Bench;

/// <summary>
/// What the kernel's type information and symbols cost a cmdlet that needs them, cold: each run is a fresh
/// process (this benchmark started again with "btf-once"), so the figures include reading the files and
/// JIT-compiling the reader, as the first Get-PacketDrop or Trace-Syscall -FollowFork in a new pwsh pays.
///   vmlinux BTF: read /sys/kernel/btf/vmlinux and record where each type starts;
///   first lookup: builds the name index (task_struct.pid); then 6 more lookups of the kinds programs do;
///   kallsyms: read /proc/kallsyms and index its text symbols; one address lookup.
/// Against pahole -C task_struct and bpftool btf dump (libbpf parses the same file), wall time.
/// </summary>
internal static class BtfBenchmark
{
    public static int Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        Console.WriteLine($"{Environment.ProcessorCount} CPUs; kernel {Environment.OSVersion.Version}; " +
            $"{new FileInfo(KernelBtf.VmlinuxPath).Length / 1e6:F1} MB of vmlinux BTF; median of {runs} fresh processes each");
        var self = Environment.ProcessPath!;
        var assembly = typeof(BtfBenchmark).Assembly.Location;
        var diag = new List<Dictionary<string, double>>();
        var pahole = new List<double>();
        var bpftool = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            diag.Add(Once(self, assembly));
            pahole.Add(Wall("pahole", "-C", "task_struct", KernelBtf.VmlinuxPath));
            bpftool.Add(Wall("bpftool", "btf", "dump", "file", KernelBtf.VmlinuxPath, "format", "raw"));
        }
        Console.WriteLine($"| {"step (fresh process)",-66} | {"median",7} |");
        Console.WriteLine($"|{new string('-', 68)}|{new string('-', 9)}|");
        foreach (var key in diag[0].Keys)
            Console.WriteLine($"| {key,-66} | {Median(diag.Select(d => d[key])),7:F1} |");
        Console.WriteLine($"| {"pahole -C task_struct (wall, whole process) (ms)",-66} | {Median(pahole),7:F1} |");
        Console.WriteLine($"| {"bpftool btf dump file vmlinux format raw (wall) (ms)",-66} | {Median(bpftool),7:F1} |");
        Console.WriteLine();
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- btf {runs}");
        return 0;
    }

    /// <summary>The child: each step timed once, in milliseconds (and managed bytes allocated by the BTF load).</summary>
    public static int RunOnce()
    {
        var clock = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var types = KernelBtf.Vmlinux ?? throw new InvalidOperationException(KernelBtf.Problem);
        var load = clock.Elapsed.TotalMilliseconds;
        var pid = types.Field("task_struct", "pid") ?? throw new InvalidOperationException("no task_struct.pid");
        var first = clock.Elapsed.TotalMilliseconds;
        var indexBytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        _ = types.Field("mm_struct", "arg_start");
        _ = types.Field("sk_buff", "head");
        _ = types.Field("task_struct", "in_execve");
        _ = types.Enum("skb_drop_reason")!.NameOf(2);
        _ = types.Function("sk_skb_reason_drop");
        _ = types.TypedefId("btf_trace_sys_enter");
        var more = clock.Elapsed.TotalMilliseconds;
        var symbols = KernelSymbols.Load();
        var kallsyms = clock.Elapsed.TotalMilliseconds;
        var address = symbols.AddressOf("nf_hook_slow") ?? 0;
        _ = symbols.Find(address + 0x71);
        var symbol = clock.Elapsed.TotalMilliseconds;
        // The same work again in this process: what it costs without JIT compilation and cold caches.
        var again = BtfTypes.Parse(BtfBytes.MapOrRead(KernelBtf.VmlinuxPath), "vmlinux");
        _ = again.Field("task_struct", "pid");
        var warm = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"STEP vmlinux BTF read and types located (ms)={load:F2}");
        Console.WriteLine($"STEP first lookup, name index built (ms)={first - load:F2}");
        Console.WriteLine($"STEP managed MB allocated until then={indexBytes / 1e6:F2}");
        Console.WriteLine($"STEP 6 more lookups: member, bitfield, enum, func, typedef (ms)={more - first:F2}");
        Console.WriteLine($"STEP kallsyms read and indexed, {symbols.Count} symbols (ms)={kallsyms - more:F2}");
        Console.WriteLine($"STEP kallsyms name scan + one address lookup (ms)={symbol - kallsyms:F2}");
        Console.WriteLine($"STEP again, JIT done: BTF located + name index + first lookup (ms)={warm - symbol:F2}");
        GC.KeepAlive(pid);
        return 0;
    }

    private static Dictionary<string, double> Once(string host, string assembly)
    {
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileName(host) == "dotnet") // else the apphost, which knows its assembly
            info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("btf-once");
        using var child = Process.Start(info)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"btf-once failed: {output}");
        return output.Split('\n').Where(l => l.StartsWith("STEP ", StringComparison.Ordinal))
            .Select(l => l[5..].Split('='))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static double Wall(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = error.Result;
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
