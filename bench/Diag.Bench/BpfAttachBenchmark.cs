using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.Tracing.Kernel;

namespace Diag.Bench;

/// <summary>
/// What each link type of the eBPF layer costs: the time to attach a loaded program (link creation, with the
/// perf event for tracepoints and probes), the time to detach it (Dispose), and the time it adds to each call
/// of the function it watches (getrusage, made by this thread; the program returns at once), in this thread's
/// CPU time. Medians.
///   dotnet run -c Release --project bench/Diag.Bench -- bpfattach [ATTACHES] [CALLS]
/// The classic tracepoint needs tracefs for its id: run under
///   unshare -m --propagation private sh -c 'mount -t tracefs nodev /sys/kernel/tracing &amp;&amp; exec dotnet ...'
/// Kinds this kernel lacks are listed with the reason.
/// </summary>
internal static unsafe class BpfAttachBenchmark
{
    private const string Function = "__x64_sys_getrusage";

    private sealed record Kind(string Name, Func<BpfProgram> Load, Func<BpfProgram, BpfLink> Attach);

    public static int Run(string[] args)
    {
        var attaches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var btf = KernelBtf.TryLoad() ?? throw new InvalidOperationException("the kernel has no BTF");
        var code = Return0();
        var kinds = new List<Kind>
        {
            new("raw_tracepoint sys_enter", () => BpfProgram.LoadRawTracepoint("diag_bench", code), p => RawTracepointLink.Attach(p, "sys_enter")),
            new("tp_btf sys_enter", () => BpfProgram.LoadTracing("diag_bench", code, BpfAttachType.TraceRawTracepoint, btf.TypedefId("btf_trace_sys_enter")!.Value),
                p => RawTracepointLink.AttachBtf(p, "sys_enter")),
            new("tracepoint syscalls:sys_enter_getrusage", () => BpfProgram.LoadTracepoint("diag_bench", code),
                p => PerfEventLink.AttachTracepoint(p, "syscalls", "sys_enter_getrusage")),
            new("fentry " + Function, () => BpfProgram.LoadTracing("diag_bench", code, BpfAttachType.TraceFentry, btf.FunctionId(Function)!.Value),
                p => TracingLink.Attach(p, Function)),
            new("fexit " + Function, () => BpfProgram.LoadTracing("diag_bench", code, BpfAttachType.TraceFexit, btf.FunctionId(Function)!.Value),
                p => TracingLink.Attach(p, Function)),
            new("kprobe " + Function, () => BpfProgram.LoadKprobe("diag_bench", code), p => PerfEventLink.AttachKprobe(p, Function)),
            new("kretprobe " + Function, () => BpfProgram.LoadKprobe("diag_bench", code), p => PerfEventLink.AttachKprobe(p, Function, retprobe: true)),
            new("kprobe-multi " + Function, () => BpfProgram.LoadKprobe("diag_bench", code, multi: true), p => KprobeMultiLink.Attach(p, [Function])),
            new("uprobe libc getrusage", () => BpfProgram.LoadKprobe("diag_bench", code), p => AttachUprobe(p, retprobe: false)),
            new("uretprobe libc getrusage", () => BpfProgram.LoadKprobe("diag_bench", code), p => AttachUprobe(p, retprobe: true)),
            new("iter/task (attach + one pass)", () => BpfProgram.LoadTracing("diag_bench", code, BpfAttachType.TraceIterator, btf.FunctionId("bpf_iter_task")!.Value),
                p => PassOnce(IteratorLink.Attach(p, "task"))),
        };

        Console.WriteLine($"{attaches} attaches per kind, {calls} getrusage calls for the added cost; medians");
        Console.WriteLine($"{"kind",-42} {"load",9} {"attach",9} {"detach",9} {"per call",10}");
        var baseline = CallNanoseconds(calls);
        foreach (var kind in kinds)
        {
            try
            {
                var load = new List<double>();
                BpfProgram? program = null;
                for (var i = 0; i < 5; i++)
                {
                    program?.Dispose();
                    var clock = Stopwatch.StartNew();
                    program = kind.Load();
                    load.Add(clock.Elapsed.TotalMilliseconds);
                }
                using (program)
                {
                    var attach = new List<double>();
                    var detach = new List<double>();
                    for (var i = 0; i < attaches; i++)
                    {
                        var clock = Stopwatch.StartNew();
                        var link = kind.Attach(program!);
                        attach.Add(clock.Elapsed.TotalMilliseconds);
                        clock.Restart();
                        link.Dispose();
                        detach.Add(clock.Elapsed.TotalMilliseconds);
                    }
                    var perCall = "";
                    if (!kind.Name.StartsWith("iter/", StringComparison.Ordinal))
                    {
                        using var link = kind.Attach(program!);
                        perCall = $"{CallNanoseconds(calls) - baseline,7:F0} ns";
                    }
                    Console.WriteLine($"{kind.Name,-42} {Median(load),6:F2} ms {Median(attach),6:F2} ms {Median(detach),6:F2} ms {perCall,10}");
                }
            }
            catch (Exception e) when (e is SyscallException or BpfFeatureUnavailableException)
            {
                Console.WriteLine($"{kind.Name,-42} unavailable: {e.Message}");
            }
        }
        Console.WriteLine($"(getrusage alone: {baseline:F0} ns of CPU per call)");
        return 0;
    }

    /// <summary>Median CPU nanoseconds of this thread per getrusage(RUSAGE_THREAD) over 7 runs of
    /// <paramref name="calls"/>: CPU time, which a loaded machine disturbs far less than wall time, and which
    /// includes the program and the attachment's own work (they run in this thread, in its system call).</summary>
    private static double CallNanoseconds(int calls)
    {
        var runs = new List<double>();
        Libc.ResourceUsage usage;
        for (var run = 0; run < 7; run++)
        {
            var start = ThreadCpuNanoseconds();
            for (var i = 0; i < calls; i++)
                Libc.GetResourceUsage(Libc.RUSAGE_THREAD, &usage);
            runs.Add((double)(ThreadCpuNanoseconds() - start) / calls);
        }
        return Median(runs);
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID
        Libc.TimeSpec time;
        Libc.ClockGetTime(ClockThreadCpuTime, &time);
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    private static BpfLink AttachUprobe(BpfProgram program, bool retprobe) =>
        PerfEventLink.AttachUprobeAt(program, Environment.ProcessId,
            (ulong)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "getrusage"), retprobe);

    private static BpfLink PassOnce(IteratorLink link)
    {
        link.ReadPass();
        return link;
    }

    private static BpfInstruction[] Return0()
    {
        var a = new BpfAssembler();
        a.Mov(BpfRegister.R0, 0);
        a.Exit();
        return a.Build();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
