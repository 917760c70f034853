using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// A BTF object the kernel holds for vmlinux or a loaded module, open by descriptor: a program whose target
/// (a function, a tracepoint) lives in a module names that module's BTF object at load time
/// (attach_btf_obj_fd, Linux 5.11), with the type id read from <c>/sys/kernel/btf/MODULE</c>.
/// </summary>
internal sealed unsafe class KernelBtfObject : IDisposable
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
    public static KernelBtfObject Open(string name)
    {
        var nameBuffer = stackalloc byte[64];
        uint id = 0;
        while (true)
        {
            Libc.BpfGetFdByIdAttr next = new() { Id = id };
            if (Libc.Bpf(Libc.BPF_BTF_GET_NEXT_ID, &next) != 0)
            {
                if (Libc.LastErrno == Errno.ENOENT)
                    break;
                throw SyscallException.FromLastError("bpf(BPF_BTF_GET_NEXT_ID)");
            }
            id = next.NextId;
            Libc.BpfGetFdByIdAttr byId = new() { Id = id };
            var raw = Libc.Bpf(Libc.BPF_BTF_GET_FD_BY_ID, &byId);
            if (raw < 0)
            {
                if (Libc.LastErrno == Errno.ENOENT)
                    continue; // freed since the walk saw it
                throw SyscallException.FromLastError("bpf(BPF_BTF_GET_FD_BY_ID)");
            }
            var fd = new SafeFileDescriptor(raw);
            var keep = false;
            try
            {
                new Span<byte>(nameBuffer, 64).Clear();
                Libc.BpfBtfInfo info = new() { Name = (ulong)nameBuffer, NameLength = 64 };
                Libc.BpfObjInfoAttr attr = new() { BpfFd = (uint)raw, InfoLength = (uint)sizeof(Libc.BpfBtfInfo), Info = (ulong)&info };
                if (Libc.Bpf(Libc.BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
                    throw SyscallException.FromLastError("bpf(BPF_OBJ_GET_INFO_BY_FD)", "BTF object " + id);
                var found = Encoding.ASCII.GetString(nameBuffer, new ReadOnlySpan<byte>(nameBuffer, 64).IndexOf((byte)0) is var end and >= 0 ? end : 64);
                if (info.KernelBtf != 0 && found == name)
                {
                    keep = true;
                    return new KernelBtfObject(name, id, fd);
                }
            }
            finally
            {
                if (!keep)
                    fd.Dispose();
            }
        }
        throw new BpfFeatureUnavailableException(
            $"the kernel has no BTF object named {name} (no /sys/kernel/btf/{name}): the module is not loaded, or was built without BTF",
            $"load the module (modprobe {name}) on a kernel built with CONFIG_DEBUG_INFO_BTF_MODULES");
    }

    public void Dispose() => Fd.Dispose();
}
