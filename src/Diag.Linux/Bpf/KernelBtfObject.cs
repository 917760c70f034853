using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// A BTF object the kernel holds for vmlinux or a loaded module, open by descriptor: a program whose target
/// (a function, a tracepoint) lives in a module names that module's BTF object at load time
/// (attach_btf_obj_fd, Linux 5.11), with the type id read from <c>/sys/kernel/btf/MODULE</c>. Found through
/// <see cref="Btf.KernelBtfObjects"/>, the one walk over the kernel's BTF objects.
/// </summary>
internal sealed class KernelBtfObject : IDisposable
{
    private KernelBtfObject(string name, uint id, SafeFileDescriptor fd)
    {
        Name = name;
        Id = id;
        Fd = fd;
    }

    /// <summary>"vmlinux" or the module's name.</summary>
    public string Name { get; }

    public uint Id { get; }

    public SafeFileDescriptor Fd { get; }

    /// <summary>Opens the kernel BTF object called <paramref name="name"/>: walks the BTF ids
    /// (BPF_BTF_GET_NEXT_ID) and asks each kernel-made one its name. Throws
    /// <see cref="BpfFeatureUnavailableException"/> when there is none (the module is not loaded, or was built
    /// without BTF).</summary>
    public static KernelBtfObject Open(string name) =>
        Btf.KernelBtfObjects.OpenWithInfo(name) is { } found
            ? new KernelBtfObject(name, found.Info.Id, found.Fd)
            : throw new BpfFeatureUnavailableException(
                $"the kernel has no BTF object named {name} (no /sys/kernel/btf/{name}): the module is not loaded, or was built without BTF",
                $"load the module (modprobe {name}) on a kernel built with CONFIG_DEBUG_INFO_BTF_MODULES");

    public void Dispose() => Fd.Dispose();
}
