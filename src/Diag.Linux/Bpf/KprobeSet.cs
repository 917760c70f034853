using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// One kprobe program on several kernel functions: a single kprobe-multi link where the kernel has them
/// (Linux 5.18 with CONFIG_FPROBE), else one perf kprobe per function, as libbpf falls back. Owns the program
/// and every link.
/// </summary>
internal sealed class KprobeSet : IDisposable
{
    private readonly List<BpfLink> _links = new();

    private KprobeSet(BpfProgram program, bool multi)
    {
        Program = program;
        UsesKprobeMulti = multi;
    }

    public BpfProgram Program { get; }

    public IReadOnlyList<BpfLink> Links => _links;

    /// <summary>True when one kprobe-multi link holds every function; false for one perf kprobe each.</summary>
    public bool UsesKprobeMulti { get; }

    /// <summary>Loads <paramref name="code"/> as a kprobe program named <paramref name="name"/> and attaches it to
    /// <paramref name="functions"/> (their returns with <paramref name="retprobe"/>). Throws
    /// <see cref="BpfFeatureUnavailableException"/> when the kernel has neither kprobe-multi links nor kprobes.</summary>
    public static KprobeSet Attach(string name, BpfInstruction[] code, IReadOnlyList<string> functions, bool retprobe = false)
    {
        SyscallException? multiFailure;
        BpfProgram? multi = null;
        try
        {
            multi = BpfProgram.LoadKprobe(name, code, multi: true);
            var set = new KprobeSet(multi, multi: true);
            set._links.Add(KprobeMultiLink.Attach(multi, functions, retprobe));
            return set;
        }
        catch (SyscallException e) when (e.Errno is Errno.EINVAL or Errno.EOPNOTSUPP)
        {
            multi?.Dispose();
            multiFailure = e; // no fprobe in this kernel, or a kernel before 5.18 (refusing the load or the link)
        }
        catch
        {
            multi?.Dispose();
            throw;
        }

        var program = BpfProgram.LoadKprobe(name, code);
        var single = new KprobeSet(program, multi: false);
        try
        {
            foreach (var function in functions)
                single._links.Add(PerfEventLink.AttachKprobe(program, function, retprobe));
            return single;
        }
        catch (BpfFeatureUnavailableException e)
        {
            single.Dispose();
            throw new BpfFeatureUnavailableException(
                $"{e.Message}; nor kprobe-multi links ({multiFailure.Syscall}: {multiFailure.ErrnoName}, which needs Linux 5.18 with CONFIG_FPROBE)", e.Remedy, e);
        }
        catch
        {
            single.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var link in _links)
            link.Dispose();
        _links.Clear();
        Program.Dispose();
    }
}
