using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// The BTF reader on the running kernel's /sys/kernel/btf/vmlinux, checked against pahole and bpftool:
/// member offsets (nested, anonymous, bitfields), enums (skb_drop_reason, an enum64), a function prototype
/// for fentry, typedef ids for tp_btf, BTF objects for attach_btf_obj_fd, and module BTF.
/// </summary>
public sealed class BtfKernelTests
{
    private static BtfTypes Kernel => KernelBtf.Vmlinux ?? throw new InvalidOperationException($"no kernel BTF: {KernelBtf.Problem}");

    public static TheoryData<string, string> Members => new()
    {
        { "task_struct", "pid" }, { "task_struct", "tgid" }, { "task_struct", "comm" }, { "task_struct", "mm" },
        { "task_struct", "exit_code" }, { "task_struct", "__state" }, { "task_struct", "thread_pid" },
        { "mm_struct", "arg_start" }, { "mm_struct", "arg_end" }, { "mm_struct", "env_end" }, // inside an anonymous struct
        { "sk_buff", "head" }, { "sk_buff", "data" }, { "sk_buff", "len" }, { "sk_buff", "cb" }, { "sk_buff", "tstamp" },
        { "nf_conn", "status" },
    };

    [Theory]
    [MemberData(nameof(Members))]
    public void MemberOffsetsAndSizesAreWhatPaholeSays(string structure, string member)
    {
        var pahole = BtfOracle.Pahole(structure);
        var expected = BtfOracle.Member(pahole, member);
        var field = Kernel.Field(structure, member);
        Assert.NotNull(field);
        Assert.False(field.IsBitfield);
        Assert.Equal(expected.Offset, field.ByteOffset);
        Assert.Equal(expected.Size, field.SizeBytes);
        Assert.Equal(BtfOracle.StructSize(pahole), Kernel.SizeOf(structure));
    }

    [Theory]
    [InlineData("task_struct", "in_execve")]
    [InlineData("task_struct", "sched_reset_on_fork")]
    [InlineData("sk_buff", "pkt_type")]
    [InlineData("sk_buff", "tstamp_type")]
    public void BitfieldsAreReportedAsBitsWhereverPaholeSaysTheyAre(string structure, string member)
    {
        var expected = BtfOracle.Member(BtfOracle.Pahole(structure), member);
        var field = Kernel.Field(structure, member)!;
        Assert.True(field.IsBitfield);
        Assert.Null(field.ByteOffset);
        Assert.Equal(expected.Offset * 8L + expected.Bit!.Value, field.BitOffset);
        Assert.Equal(expected.Bits, field.BitSize);
        Assert.Equal(expected.Size, field.SizeBytes);
        var load = field.Bitfield!.Value;
        Assert.InRange(field.BitOffset, load.ByteOffset * 8L, load.ByteOffset * 8L + load.SizeBytes * 8 - field.BitSize);
        Assert.Throws<KernelLayoutException>(() => BtfLayout.Running().Offset(structure, member));
    }

    [Fact]
    public void ArgvBoundsAndCommAreWhereAProgramReadsThem()
    {
        var layout = BtfLayout.Running();
        var comm = layout.Field("task_struct", "comm");
        Assert.Equal((BtfKind.Array, 16L, 1L, 16L), (comm.Kind, comm.SizeBytes, comm.ElementSizeBytes, comm.ElementCount));
        var mm = layout.Field("task_struct", "mm");
        Assert.Equal((BtfKind.Pointer, "struct mm_struct *"), (mm.Kind, mm.TypeName));
        Assert.Equal(layout.Field("mm_struct", "arg_start").ByteOffset + 8, layout.Field("mm_struct", "arg_end").ByteOffset);
        Assert.Equal(comm.ByteOffset + 5, layout.Field("task_struct", "comm[5]").ByteOffset);
        var e = Assert.Throws<KernelLayoutException>(() => layout.Field("task_struct", "no_such_member"));
        Assert.Equal($"this kernel (Linux {KernelBtf.Release}) has no member 'no_such_member' in struct task_struct", e.Message);
    }

    [Fact]
    public void SkbDropReasonHasTheValuesPaholeSays()
    {
        var expected = BtfOracle.EnumValues(BtfOracle.Pahole("skb_drop_reason"));
        var reasons = Kernel.Enum("skb_drop_reason")!;
        Assert.True(expected.Count > 50, $"pahole listed {expected.Count} drop reasons");
        Assert.Equal(expected, reasons.Values.Select(v => (v.Name, v.Value)).ToList());
        Assert.Equal("SKB_DROP_REASON_NOT_SPECIFIED", reasons.NameOf(reasons.ValueOf("SKB_DROP_REASON_NOT_SPECIFIED")!.Value));
        Assert.Equal("SKB_DROP_REASON_NETFILTER_DROP", reasons.NameOf(expected.First(v => v.Name == "SKB_DROP_REASON_NETFILTER_DROP").Value));
    }

    [Fact]
    public void AnEnum64HasTheValuesPaholeSays()
    {
        var expected = BtfOracle.EnumValues(BtfOracle.Pahole("perf_callchain_context"));
        var context = Kernel.Enum("perf_callchain_context")!;
        Assert.Equal(BtfKind.Enum64, Kernel[context.TypeId].Kind);
        Assert.Equal(expected, context.Values.Select(v => (v.Name, v.Value)).ToList());
        Assert.Equal(-4095, context.ValueOf("PERF_CONTEXT_MAX")); // (u64)-4095, as the header defines it
    }

    [Fact]
    public void AFunctionPrototypeForFentryIsWhatBpftoolSays()
    {
        var function = Kernel.Function("sk_skb_reason_drop")!;
        Assert.Equal(BtfOracle.TypeId("FUNC", "sk_skb_reason_drop"), function.Id);
        var parameters = BtfOracle.Parameters(BtfOracle.FunctionProtoId(function.Id));
        Assert.Equal(parameters, function.Parameters.Select(p => (p.Name, p.TypeId)).ToList());
        Assert.Equal(new[] { "struct sock *", "struct sk_buff *", "enum skb_drop_reason" }, function.Parameters.Select(p => p.TypeName));
        Assert.Equal("void", function.ReturnTypeName);
        Assert.Equal("vmlinux", function.Module);
        Assert.Equal(function.Id, KernelBtf.FindFunction("sk_skb_reason_drop")!.Id);
        Assert.Null(KernelBtf.FindFunction("no_such_function_in_any_kernel"));
    }

    [Fact]
    public void TypedefIdsForBtfTracepointsAreWhatBpftoolSays()
    {
        Assert.Equal(BtfOracle.TypeId("TYPEDEF", "btf_trace_sys_enter"), Kernel.TypedefId("btf_trace_sys_enter"));
        Assert.Equal(BtfOracle.TypeId("TYPEDEF", "btf_trace_kfree_skb"), Kernel.TypedefId("btf_trace_kfree_skb"));
        Assert.Equal(0, Kernel.TypedefId("btf_trace_no_such_tracepoint"));
    }

    [Fact]
    public void TheKernelsTypesAreParsedOnceAndShared()
    {
        var seen = new BtfTypes?[8];
        Parallel.For(0, seen.Length, i => seen[i] = KernelBtf.Vmlinux);
        Assert.All(seen, types => Assert.Same(KernelBtf.Vmlinux, types));
        Assert.Same(KernelBtf.Vmlinux, KernelBtf.Module("vmlinux"));
        Assert.Null(KernelBtf.Module("no_such_module"));
        Assert.Null(KernelBtf.Module("../vmlinux"));
    }

    [Fact]
    public void TheVmlinuxBtfObjectIsFoundByNameAndServesAsAttachObject()
    {
        var objects = KernelBtfObjects.List();
        Assert.Contains(objects, o => o.Name == "vmlinux" && o.IsKernel);
        var before = BtfDescriptors();
        Assert.Null(KernelBtfObjects.Open("no_such_module"));
        Assert.Equal(before, BtfDescriptors()); // every fd opened on the walk was closed

        using var vmlinux = KernelBtfObjects.Open("vmlinux");
        Assert.NotNull(vmlinux);
        Assert.Equal(before + 1, BtfDescriptors());
        // attach_btf_obj_fd names the BTF that attach_btf_id is in; the kernel's own works as a module's would.
        using var program = LoadTypedTracepoint(Kernel.TypedefId("btf_trace_sys_enter"), vmlinux);
        Assert.False(program.IsInvalid);
    }

    [Fact]
    public void NfConnIsFoundInTheModuleThatDefinesIt()
    {
        if (!File.Exists("/proc/modules"))
        {
            // A kernel without loadable modules (CONFIG_MODULES=n) builds nf_conntrack in: vmlinux has it.
            Assert.Empty(KernelBtf.ModuleNames());
            Assert.Same(KernelBtf.Vmlinux, KernelBtf.FindComposite("nf_conn"));
            Assert.Null(KernelBtf.Module("nf_conntrack"));
            Assert.Null(KernelBtfObjects.Open("nf_conntrack"));
            return;
        }
        BtfOracle.Run("modprobe", "nf_conntrack");
        if (KernelBtf.Vmlinux!.FindHere("nf_conn", BtfKind.Struct) != 0)
        {
            Assert.Same(KernelBtf.Vmlinux, KernelBtf.FindComposite("nf_conn")); // built in on this kernel
            return;
        }
        var module = KernelBtf.FindComposite("nf_conn")!;
        Assert.Equal("nf_conntrack", module.Name);
        Assert.Same(KernelBtf.Vmlinux, module.Base);
        Assert.True(module.FirstId > KernelBtf.Vmlinux!.LastId);
        Assert.NotNull(module.Field("nf_conn", "status"));
        Assert.Equal("nf_conntrack", KernelBtf.FindFunction("nf_conntrack_in")?.Module);
        using var fd = KernelBtfObjects.Open("nf_conntrack");
        Assert.NotNull(fd);
    }

    private static int BtfDescriptors() => Directory.EnumerateFileSystemEntries("/proc/self/fd")
        .Count(entry =>
        {
            try
            {
                return new FileInfo(entry).LinkTarget == "anon_inode:btf";
            }
            catch (IOException)
            {
                return false;
            }
        });

    /// <summary>Loads "r0 = 0; exit" as a tp_btf program for typedef <paramref name="btfId"/> in <paramref name="btf"/>.</summary>
    private static unsafe SafeFileDescriptor LoadTypedTracepoint(int btfId, SafeFileDescriptor btf)
    {
        ReadOnlySpan<ulong> code = [0x00000000_000000b7UL, 0x00000000_00000095UL]; // mov r0, 0; exit
        var license = "GPL\0"u8;
        fixed (ulong* insns = code)
        fixed (byte* l = license)
        {
            Libc.BpfProgLoadAttr attr = default;
            attr.ProgType = (uint)BpfProgramType.Tracing;
            attr.ExpectedAttachType = (uint)BpfAttachType.TraceRawTracepoint;
            attr.AttachBtfId = (uint)btfId;
            attr.AttachBtfObjectFd = (uint)btf.Value;
            attr.InsnCount = 2;
            attr.Insns = (ulong)insns;
            attr.License = (ulong)l;
            return SafeFileDescriptor.FromResult(Libc.Bpf(Libc.BPF_PROG_LOAD, &attr), "bpf(BPF_PROG_LOAD)", "tp_btf with attach_btf_obj_fd");
        }
    }
}
