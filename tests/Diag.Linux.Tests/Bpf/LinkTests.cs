using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// Each link type attaches a program that then runs where it should, on this thread's getrusage calls, and
/// counts exactly those made while attached; once disposed the link and its program are gone from the kernel.
/// Kinds this kernel lacks (kprobes here: CONFIG_KPROBES is off) are checked for the exact error that says so.
/// </summary>
public sealed class LinkTests
{
    private const int Calls = 123;

    [Fact]
    public void RawTracepoint() => CountsWhileAttached(BpfMapType.Array, (counts, tid) =>
    {
        var program = BpfProgram.LoadRawTracepoint("diag_test_raw", Counter(counts, tid, Context.SysEnter));
        return (program, RawTracepointLink.Attach(program, "sys_enter"));
    }, "raw_tracepoint sys_enter");

    [Fact]
    public void BtfTracepoint() => CountsWhileAttached(BpfMapType.Array, (counts, tid) =>
    {
        var id = Btf.TypedefId("btf_trace_sys_enter");
        var program = BpfProgram.LoadTracing("diag_test_tpbtf", Counter(counts, tid, Context.SysEnter), BpfAttachType.TraceRawTracepoint, id);
        return (program, RawTracepointLink.AttachBtf(program, "sys_enter"));
    }, "tp_btf sys_enter");

    [Fact]
    public void ClassicTracepointByTracefsId()
    {
        var id = PrivateTraceFs.TracepointId(TracepointCategory, TracepointName);
        CountsWhileAttached(BpfMapType.PerCpuArray, (counts, tid) =>
        {
            var program = BpfProgram.LoadTracepoint("diag_test_tp", Counter(counts, tid, Context.Any));
            var link = PerfEventLink.AttachTracepoint(program, TracepointCategory, TracepointName, id);
            Assert.True(link.IsBpfLink, "Linux 5.15+ attaches perf events with a bpf_link");
            return (program, link);
        }, "tracepoint syscalls:sys_enter_getrusage");
    }

    [Fact]
    public void ClassicTracepointFindsTracefsAtItsUsualPlace()
    {
        // The whole path as a caller uses it: tracefs at /sys/kernel/tracing (mounted for this thread only).
        using var counts = CounterMap(BpfMapType.Array);
        var tid = Libc.GetTid();
        using var program = BpfProgram.LoadTracepoint("diag_test_tp", Counter(counts, tid, Context.Any));
        using var link = PrivateTraceFs.Run(() => PerfEventLink.AttachTracepoint(program, TracepointCategory, TracepointName));
        Getrusage(Calls);
        Assert.Equal(Calls, Count(counts, tid));
        Assert.Equal("/sys/kernel/tracing", PrivateTraceFs.Run(() => TraceFs.Find()));
    }

    [Fact]
    public void WithoutTracefsTheErrorSaysWhatIsMissingAndWhatToDo()
    {
        var root = Directory.CreateTempSubdirectory("diag-no-tracefs-" + Environment.ProcessId).FullName;
        try
        {
            Directory.CreateDirectory(Path.Join(root, "sys/kernel/tracing")); // the mount point exists, empty as when nothing is mounted
            var e = Assert.Throws<BpfFeatureUnavailableException>(() => TraceFs.TracepointId("syscalls", "sys_enter_openat", root));
            Assert.Equal($"tracefs is not mounted (neither {root}/sys/kernel/tracing nor {root}/sys/kernel/debug/tracing has an events directory), " +
                         "and the tracepoint syscalls:sys_enter_openat is attached by the id tracefs publishes in events/syscalls/sys_enter_openat/id", e.Message);
            Assert.StartsWith($"mount it: mount -t tracefs nodev {root}/sys/kernel/tracing", e.Remedy, StringComparison.Ordinal);
            Assert.Contains("raw tracepoint", e.Remedy, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AnUnknownTracepointIsNamedWithWhereItWasLookedFor()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PrivateTraceFs.TracepointId("syscalls", "sys_enter_no_such_call"));
        var missing = Assert.IsType<BpfFeatureUnavailableException>(e.InnerException);
        Assert.Equal("this kernel has no tracepoint syscalls:sys_enter_no_such_call (/sys/kernel/tracing/events/syscalls/sys_enter_no_such_call/id does not exist)", missing.Message);
        Assert.Equal("look for it in /sys/kernel/tracing/available_events", missing.Remedy);
    }

    [FentryFact]
    public void Fentry() => CountsWhileAttached(BpfMapType.Hash, (counts, tid) =>
    {
        var program = BpfProgram.LoadTracing("diag_test_fentry", Counter(counts, tid, Context.Any), BpfAttachType.TraceFentry, FunctionId(Function));
        return (program, TracingLink.Attach(program, Function));
    }, "fentry " + Function);

    [Fact]
    public void ATargetNamedInAKernelBtfObject()
    {
        // attach_btf_obj_fd: what a target in a module needs (its BTF object); vmlinux's own object is taken the same way.
        using var vmlinux = KernelBtfObject.Open("vmlinux");
        Assert.True(vmlinux.Id > 0);
        Assert.Equal("vmlinux", vmlinux.Name);
        CountsWhileAttached(BpfMapType.Array, (counts, tid) =>
        {
            var id = Btf.TypedefId("btf_trace_sys_enter");
            var program = BpfProgram.LoadTracing("diag_test_tpbtf", Counter(counts, tid, Context.SysEnter), BpfAttachType.TraceRawTracepoint, id, vmlinux);
            return (program, RawTracepointLink.AttachBtf(program, "sys_enter"));
        }, "tp_btf sys_enter");
    }

    [Fact]
    public void AModuleWithoutBtfIsNamedWithTheRemedy()
    {
        var e = Assert.Throws<BpfFeatureUnavailableException>(() => KernelBtfObject.Open("diag_no_such_module"));
        Assert.Contains("no BTF object named diag_no_such_module", e.Message, StringComparison.Ordinal);
        Assert.Contains("modprobe diag_no_such_module", e.Remedy, StringComparison.Ordinal);
    }

    [FentryFact]
    public void FexitSeesTheArgumentsAndTheReturnValue()
    {
        using var result = BpfMap.Create("diag_test_exit", BpfMapType.Array, 4, 16, 1);
        var tid = Libc.GetTid();
        using var program = BpfProgram.LoadTracing("diag_test_fexit", ExitRecorder(result, tid), BpfAttachType.TraceFexit, FunctionId(Function));
        using (var link = TracingLink.Attach(program, Function))
        {
            Assert.Equal("fexit " + Function, link.Target);
            Getrusage(1, who: 4242); // not a valid who: EINVAL
        }
        Assert.True(result.TryLookup(0u, out Recorded recorded));
        Assert.Equal(4242L, recorded.Argument);
        Assert.Equal(-Errno.EINVAL, recorded.Return);
    }

    [KprobesFact]
    public void KprobeAndKretprobe()
    {
        foreach (var retprobe in new[] { false, true })
            CountsWhileAttached(BpfMapType.Array, (counts, tid) =>
            {
                var program = BpfProgram.LoadKprobe("diag_test_kprobe", Counter(counts, tid, Context.Any));
                return (program, PerfEventLink.AttachKprobe(program, Function, retprobe));
            }, (retprobe ? "kretprobe " : "kprobe ") + Function);
    }

    [KprobesMissingFact]
    public void WithoutKprobesTheErrorSaysWhatIsMissingAndNamesFentry()
    {
        using var counts = CounterMap(BpfMapType.Array);
        using var program = BpfProgram.LoadKprobe("diag_test_kprobe", Counter(counts, Libc.GetTid(), Context.Any));
        var e = Assert.Throws<BpfFeatureUnavailableException>(() => PerfEventLink.AttachKprobe(program, Function));
        Assert.Equal("this kernel has no kprobes (built without CONFIG_KPROBES): /sys/bus/event_source/devices/kprobe/type does not exist", e.Message);
        Assert.StartsWith("attach with fentry/fexit instead", e.Remedy, StringComparison.Ordinal);
        Assert.DoesNotContain(BpfObjects.OpenFds().Keys, k => k is "anon_inode:bpf_link" or "anon_inode:[perf_event]");
    }

    [KprobeMultiFact]
    public void KprobeMulti()
    {
        var tid = Libc.GetTid();
        using var counts = CounterMap(BpfMapType.Array);
        using (var set = KprobeSet.Attach("diag_test_multi", Counter(counts, tid, Context.Any), [Function, "__x64_sys_getpid"]))
        {
            Assert.True(set.UsesKprobeMulti);
            Assert.IsType<KprobeMultiLink>(Assert.Single(set.Links));
            Getrusage(Calls);
        }
        Assert.Equal(Calls, Count(counts, tid));
    }

    [KprobeMultiMissingFact]
    public void WithoutKprobeMultiTheSetFallsBackToOneKprobeEach()
    {
        var tid = Libc.GetTid();
        using var counts = CounterMap(BpfMapType.Array);
        var code = Counter(counts, tid, Context.Any);
        using (var multi = BpfProgram.LoadKprobe("diag_test_multi", code, multi: true))
        {
            var refused = Assert.Throws<SyscallException>(() => KprobeMultiLink.Attach(multi, [Function]));
            Assert.True(refused.Errno is Errno.EOPNOTSUPP or Errno.EINVAL, refused.Message);
        }
        if (KernelFeatures.KprobesUnavailable is { } noKprobes)
        {
            // Nothing to fall back to: both are said.
            var e = Assert.Throws<BpfFeatureUnavailableException>(() => KprobeSet.Attach("diag_test_multi", code, [Function, "__x64_sys_getpid"]));
            Assert.StartsWith(noKprobes + "; nor kprobe-multi links (bpf(BPF_LINK_CREATE): E", e.Message, StringComparison.Ordinal);
            Assert.EndsWith(", which needs Linux 5.18 with CONFIG_FPROBE)", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(BpfObjects.OpenFds().Keys, k => k is "anon_inode:bpf_link" or "anon_inode:[perf_event]");
            return;
        }
        using (var set = KprobeSet.Attach("diag_test_multi", code, [Function, "__x64_sys_getpid"]))
        {
            Assert.False(set.UsesKprobeMulti);
            Assert.Equal(2, set.Links.Count);
            Getrusage(Calls);
        }
        Assert.Equal(Calls, Count(counts, tid));
    }

    [Fact]
    public void UprobeAndUretprobeOnLibc()
    {
        var address = LibcFunction("getrusage");
        var mapping = Diag.Linux.Stacks.MemoryMap.Read(Environment.ProcessId)!.Find(address)!;
        var (path, offset) = (mapping.FilePath, address - mapping.Start + mapping.Offset);
        Assert.EndsWith("libc.so.6", path, StringComparison.Ordinal);
        foreach (var retprobe in new[] { false, true })
        {
            CountsWhileAttached(BpfMapType.Array, (counts, tid) =>
            {
                var program = BpfProgram.LoadKprobe("diag_test_uprobe", Counter(counts, tid, Context.Any));
                return (program, PerfEventLink.AttachUprobe(program, path, offset, retprobe, Environment.ProcessId));
            }, $"{(retprobe ? "uretprobe" : "uprobe")} {path}+0x{offset:x} in process {Environment.ProcessId}");
            CountsWhileAttached(BpfMapType.Array, (counts, tid) =>
            {
                var program = BpfProgram.LoadKprobe("diag_test_uprobe", Counter(counts, tid, Context.Any));
                return (program, PerfEventLink.AttachUprobeAt(program, Environment.ProcessId, address, retprobe));
            }, $"{(retprobe ? "uretprobe" : "uprobe")} {path}+0x{offset:x} in process {Environment.ProcessId}");
        }
        var anonymous = Assert.Throws<ArgumentException>(() => PerfEventLink.AttachUprobeAt(null!, Environment.ProcessId, 0x1000));
        Assert.Contains("is not mapped in process", anonymous.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProgramOfTheWrongTypeIsRefusedBeforeAnythingIsOpened()
    {
        using var counts = CounterMap(BpfMapType.Array);
        using var raw = BpfProgram.LoadRawTracepoint("diag_test_raw", Counter(counts, 1, Context.SysEnter));
        Assert.Throws<ArgumentException>(() => PerfEventLink.AttachTracepoint(raw, "syscalls", "sys_enter_getrusage", 1));
        Assert.Throws<ArgumentException>(() => TracingLink.Attach(raw, Function));
        Assert.Throws<ArgumentException>(() => IteratorLink.Attach(raw, "task"));
        var unknown = Assert.Throws<SyscallException>(() => RawTracepointLink.Attach(raw, "diag_no_such_tracepoint"));
        Assert.Equal(Errno.ENOENT, unknown.Errno);
        Assert.Contains("tracepoint diag_no_such_tracepoint", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BpfObjects.OpenFds().Keys, k => k is "anon_inode:bpf_link" or "anon_inode:[perf_event]");
    }

    /// <summary>Attaches with <paramref name="attach"/>, makes <see cref="Calls"/> calls, detaches, makes more; the
    /// count is exactly the attached ones, and the link and program are freed.</summary>
    private static void CountsWhileAttached(BpfMapType mapType, Func<BpfMap, int, (BpfProgram, BpfLink)> attach, string target)
    {
        var tid = Libc.GetTid();
        uint programId, linkId;
        using var counts = CounterMap(mapType);
        var (program, link) = attach(counts, tid);
        using (program)
        {
            programId = program.Id;
            using (link)
            {
                Assert.Equal(target, link.Target);
                linkId = link.IsBpfLink ? link.Id : 0;
                Assert.True(linkId == 0 || BpfObjects.Exists(BpfObjects.Kind.Link, linkId));
                Assert.Equal(tid, Getrusage(Calls));
            }
            Getrusage(10);
        }
        Assert.Equal(Calls, Count(counts, tid));
        var created = new Dictionary<BpfObjects.Kind, IReadOnlyCollection<uint>> { [BpfObjects.Kind.Program] = [programId] };
        if (linkId != 0)
            created[BpfObjects.Kind.Link] = [linkId];
        Assert.Empty(BpfObjects.Leftovers(created));
    }

    /// <summary>The address of a libc function in this process.</summary>
    internal static ulong LibcFunction(string name) => (ulong)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), name);

    [StructLayout(LayoutKind.Sequential)]
    private struct Recorded
    {
        public long Argument, Return;
    }
}
