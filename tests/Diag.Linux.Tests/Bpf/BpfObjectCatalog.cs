using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;
using Kind = Diag.Linux.Tests.Bpf.BpfObjects.Kind;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// One of every kernel object the layer creates, each made whole (a link with its program and map), for the
/// tests that create and free them many times or die holding them: what each holds is disposed as one, and
/// the ids it reports are every BPF object it made.
/// </summary>
internal static class BpfObjectCatalog
{
    private static readonly Lazy<int> TracepointIdLazy = new(() => PrivateTraceFs.TracepointId(TracepointCategory, TracepointName));

    /// <summary>What one creation holds: everything to dispose, and the ids of the BPF objects it made.</summary>
    public sealed class Created : IDisposable
    {
        private readonly List<IDisposable> _owned = new();

        public List<(Kind Kind, uint Id)> Ids { get; } = new();

        public T Own<T>(T item) where T : IDisposable
        {
            _owned.Add(item);
            return item;
        }

        public T Map<T>(T map) where T : IDisposable
        {
            Own(map);
            Ids.Add((Kind.Map, map switch
            {
                BpfMap m => m.Id,
                BpfStackTraceMap s => s.Map.Id,
                _ => throw new ArgumentException("not a map"),
            }));
            return map;
        }

        public BpfProgram Program(BpfProgram program)
        {
            Own(program);
            Ids.Add((Kind.Program, program.Id));
            return program;
        }

        public T Link<T>(T link) where T : BpfLink
        {
            Own(link);
            if (link.IsBpfLink)
                Ids.Add((Kind.Link, link.Id));
            return link;
        }

        /// <summary>Disposes in reverse order of creation: links before programs before maps.</summary>
        public void Dispose()
        {
            for (var i = _owned.Count - 1; i >= 0; i--)
                _owned[i].Dispose();
            _owned.Clear();
        }
    }

    /// <summary>The kinds, each with why this kernel cannot make it (null when it can).</summary>
    public static IReadOnlyDictionary<string, Func<string?>> Availability { get; } = new Dictionary<string, Func<string?>>
    {
        ["fentry-link"] = () => KernelFeatures.FentryUnavailable,
        ["fexit-link"] = () => KernelFeatures.FentryUnavailable,
        ["kprobe-link"] = () => KernelFeatures.KprobesUnavailable,
        ["kprobe-multi-link"] = () => KernelFeatures.KprobeMultiUnavailable,
    };

    /// <summary>The names of the kinds that need nothing more than BPF, tracefs and uprobes.</summary>
    public static readonly string[] Basic =
    [
        "hash-map", "percpu-hash-map", "array-map", "percpu-array-map", "lru-hash-map", "lru-percpu-hash-map", "stack-trace-map",
        "ring-buffer", "ring-buffer-reader",
        "raw-tracepoint-program", "tracepoint-program", "kprobe-program", "kprobe-multi-program", "tp-btf-program", "iterator-program",
        "raw-tracepoint-link", "tp-btf-link", "tracepoint-link", "uprobe-link", "iterator-link", "iterator-pass", "kernel-btf-object",
    ];

    /// <summary>Every kind this kernel can make.</summary>
    public static IEnumerable<string> AvailableKinds =>
        Basic.Concat(Availability.Keys.Where(k => Availability[k]() is null));

    /// <summary>Makes one object of <paramref name="kind"/> (with what it needs).</summary>
    public static Created Create(string kind)
    {
        var c = new Created();
        try
        {
            Make(c, kind);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static void Make(Created c, string kind)
    {
        var tid = Libc.GetTid();
        switch (kind)
        {
            case "hash-map": c.Map(CounterMap(BpfMapType.Hash)); break;
            case "percpu-hash-map": c.Map(CounterMap(BpfMapType.PerCpuHash)); break;
            case "array-map": c.Map(CounterMap(BpfMapType.Array)); break;
            case "percpu-array-map": c.Map(CounterMap(BpfMapType.PerCpuArray)); break;
            case "lru-hash-map": c.Map(CounterMap(BpfMapType.LruHash)); break;
            case "lru-percpu-hash-map": c.Map(CounterMap(BpfMapType.LruPerCpuHash)); break;
            case "stack-trace-map": c.Map(BpfStackTraceMap.Create("diag_test_stack", 16)); break;
            case "ring-buffer":
            {
                var ring = c.Own(BpfRingBuffer.Create("diag_test_ring", Environment.SystemPageSize));
                c.Ids.Add((Kind.Map, ring.Map.Id));
                c.Ids.Add((Kind.Map, ring.Lost.Id));
                break;
            }
            case "ring-buffer-reader":
            {
                var ring = c.Own(BpfRingBuffer.Create("diag_test_ring", Environment.SystemPageSize));
                c.Ids.Add((Kind.Map, ring.Map.Id));
                c.Ids.Add((Kind.Map, ring.Lost.Id));
                c.Own(ring.OpenReader());
                break;
            }
            case "raw-tracepoint-program":
                c.Program(BpfProgram.LoadRawTracepoint("diag_test_raw", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.SysEnter)));
                break;
            case "tracepoint-program":
                c.Program(BpfProgram.LoadTracepoint("diag_test_tp", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any)));
                break;
            case "kprobe-program":
                c.Program(BpfProgram.LoadKprobe("diag_test_kprobe", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any)));
                break;
            case "kprobe-multi-program":
                c.Program(BpfProgram.LoadKprobe("diag_test_multi", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any), multi: true));
                break;
            case "tp-btf-program":
                c.Program(TpBtf(c, tid));
                break;
            case "iterator-program":
                c.Program(BpfProgram.LoadTracing("diag_test_iter", TaskIds(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task")));
                break;
            case "raw-tracepoint-link":
            {
                var program = c.Program(BpfProgram.LoadRawTracepoint("diag_test_raw", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.SysEnter)));
                c.Link(RawTracepointLink.Attach(program, "sys_enter"));
                break;
            }
            case "tp-btf-link":
                c.Link(RawTracepointLink.AttachBtf(c.Program(TpBtf(c, tid)), "sys_enter"));
                break;
            case "tracepoint-link":
            {
                var program = c.Program(BpfProgram.LoadTracepoint("diag_test_tp", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any)));
                c.Link(PerfEventLink.AttachTracepoint(program, TracepointCategory, TracepointName, TracepointIdLazy.Value));
                break;
            }
            case "uprobe-link":
            {
                var program = c.Program(BpfProgram.LoadKprobe("diag_test_uprobe", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any)));
                c.Link(PerfEventLink.AttachUprobeAt(program, Environment.ProcessId, LinkTests.LibcFunction("getrusage")));
                break;
            }
            case "kprobe-link":
            {
                var program = c.Program(BpfProgram.LoadKprobe("diag_test_kprobe", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any)));
                c.Link(PerfEventLink.AttachKprobe(program, Function));
                break;
            }
            case "kprobe-multi-link":
            {
                var program = c.Program(BpfProgram.LoadKprobe("diag_test_multi", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any), multi: true));
                c.Link(KprobeMultiLink.Attach(program, [Function]));
                break;
            }
            case "fentry-link" or "fexit-link":
            {
                var attach = kind == "fentry-link" ? BpfAttachType.TraceFentry : BpfAttachType.TraceFexit;
                var program = c.Program(BpfProgram.LoadTracing("diag_test_fentry", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.Any), attach, FunctionId(Function)));
                c.Link(TracingLink.Attach(program, Function));
                break;
            }
            case "iterator-link":
            {
                var program = c.Program(BpfProgram.LoadTracing("diag_test_iter", TaskIds(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task")));
                c.Link(IteratorLink.Attach(program, "task", Environment.ProcessId));
                break;
            }
            case "iterator-pass":
            {
                var program = c.Program(BpfProgram.LoadTracing("diag_test_iter", TaskIds(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task")));
                var link = c.Link(IteratorLink.Attach(program, "task", Environment.ProcessId));
                var pass = c.Own(link.OpenPass());
                pass.Read(new byte[8]); // started, not finished
                break;
            }
            case "kernel-btf-object":
                c.Own(KernelBtfObject.Open("vmlinux"));
                break;
            default:
                throw new ArgumentException("unknown kind " + kind, nameof(kind));
        }
    }

    private static BpfProgram TpBtf(Created c, int tid) =>
        BpfProgram.LoadTracing("diag_test_tpbtf", Counter(c.Map(CounterMap(BpfMapType.Array)), tid, Context.SysEnter),
            BpfAttachType.TraceRawTracepoint, Btf.TypedefId("btf_trace_sys_enter"));
}
