using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf.Btf;

/// <summary>One BTF object the kernel holds: vmlinux's, a module's, or a program's.</summary>
internal readonly record struct KernelBtfObjectInfo(uint Id, string Name, bool IsKernel);

/// <summary>
/// The kernel's BTF objects, walked by id (BPF_BTF_GET_NEXT_ID, GET_FD_BY_ID and OBJ_GET_INFO_BY_FD, as
/// libbpf's load_module_btfs does). A program that attaches to a module's function (fentry) or BTF
/// tracepoint names the module's BTF by fd in attach_btf_obj_fd; <see cref="Open"/> finds that fd by the
/// module's name. Needs CAP_SYS_ADMIN (the GET_NEXT_ID commands refuse anyone else with EPERM).
/// </summary>
internal static unsafe class KernelBtfObjects
{
    private const int NameCapacity = 64; // MODULE_NAME_LEN is 56

    /// <summary>The kernel BTF object (vmlinux's or a loaded module's) named <paramref name="name"/>, owned by the
    /// caller; null when no loaded module has that name. Throws <see cref="SyscallException"/> (EPERM without privilege).</summary>
    public static SafeFileDescriptor? Open(string name) => OpenWithInfo(name)?.Fd;

    /// <summary>As <see cref="Open"/>, with the object's id.</summary>
    public static (SafeFileDescriptor Fd, KernelBtfObjectInfo Info)? OpenWithInfo(string name)
    {
        foreach (var (fd, found) in Walk())
        {
            if (found.IsKernel && found.Name == name)
                return (fd, found);
            fd.Dispose();
        }
        return null;
    }

    /// <summary>Every BTF object the kernel holds now.</summary>
    public static IReadOnlyList<KernelBtfObjectInfo> List()
    {
        var objects = new List<KernelBtfObjectInfo>();
        foreach (var (fd, found) in Walk())
        {
            fd.Dispose();
            objects.Add(found);
        }
        return objects;
    }

    /// <summary>Each object with an open fd that the consumer owns (the walk disposes of nothing it yielded).</summary>
    private static IEnumerable<(SafeFileDescriptor Fd, KernelBtfObjectInfo Object)> Walk()
    {
        uint id = 0;
        while (NextId(id) is { } next)
        {
            id = next;
            var fd = OpenById(id);
            if (fd is null)
                continue; // unloaded between the two calls
            KernelBtfObjectInfo info;
            try
            {
                info = Info(fd, id);
            }
            catch
            {
                fd.Dispose();
                throw;
            }
            yield return (fd, info);
        }
    }

    private static uint? NextId(uint id)
    {
        Libc.BpfGetFdByIdAttr attr = default;
        attr.Id = id;
        if (Libc.Bpf(Libc.BPF_BTF_GET_NEXT_ID, &attr) == 0)
            return attr.NextId;
        if (Libc.LastErrno == Errno.ENOENT)
            return null;
        throw SyscallException.FromLastError("bpf(BPF_BTF_GET_NEXT_ID)", "listing the kernel's BTF objects");
    }

    private static SafeFileDescriptor? OpenById(uint id)
    {
        Libc.BpfGetFdByIdAttr attr = default;
        attr.Id = id;
        var fd = Libc.Bpf(Libc.BPF_BTF_GET_FD_BY_ID, &attr);
        if (fd >= 0)
            return new SafeFileDescriptor(fd);
        if (Libc.LastErrno == Errno.ENOENT)
            return null;
        throw SyscallException.FromLastError("bpf(BPF_BTF_GET_FD_BY_ID)", $"BTF object {id}");
    }

    private static KernelBtfObjectInfo Info(SafeFileDescriptor fd, uint id)
    {
        var name = stackalloc byte[NameCapacity];
        Libc.BpfBtfInfo info = default;
        info.Name = (ulong)name;
        info.NameLength = NameCapacity;
        Libc.BpfObjInfoAttr attr = default;
        attr.BpfFd = (uint)fd.Value;
        attr.InfoLength = (uint)sizeof(Libc.BpfBtfInfo);
        attr.Info = (ulong)&info;
        if (Libc.Bpf(Libc.BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
            throw SyscallException.FromLastError("bpf(BPF_OBJ_GET_INFO_BY_FD)", $"BTF object {id}");
        GC.KeepAlive(fd);
        var text = new ReadOnlySpan<byte>(name, NameCapacity);
        var end = text.IndexOf((byte)0);
        return new KernelBtfObjectInfo(info.Id, Encoding.UTF8.GetString(end < 0 ? text : text[..end]), info.KernelBtf != 0);
    }
}
