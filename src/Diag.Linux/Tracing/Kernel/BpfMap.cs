using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>A BPF map owned by this process: its fd, created by <see cref="Create"/>, closed by Dispose
/// (the kernel frees the map once no program uses it either).</summary>
internal sealed unsafe class BpfMap : IDisposable
{
    private BpfMap(string name, int fd, uint type, int keySize, int valueSize, int maxEntries)
    {
        Name = name;
        Fd = fd;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
    }

    public string Name { get; }

    public int Fd { get; private set; }

    public uint Type { get; }

    public int KeySize { get; }

    public int ValueSize { get; }

    public int MaxEntries { get; }

    /// <summary>Per-CPU maps hand user space one value per possible CPU, each rounded up to 8 bytes.</summary>
    public bool IsPerCpu => Type == Libc.BPF_MAP_TYPE_PERCPU_ARRAY;

    /// <summary>Bytes a lookup from user space fills: the value, or one per possible CPU.</summary>
    public int LookupSize => IsPerCpu ? (ValueSize + 7) / 8 * 8 * PossibleCpus.Count : ValueSize;

    /// <summary>Creates a map. <paramref name="name"/> (at most 15 characters) is what bpftool shows.
    /// Throws <see cref="SyscallException"/> naming bpf(BPF_MAP_CREATE).</summary>
    public static BpfMap Create(string name, uint type, int keySize, int valueSize, int maxEntries)
    {
        Libc.BpfMapCreateAttr attr = default;
        attr.MapType = type;
        attr.KeySize = (uint)keySize;
        attr.ValueSize = (uint)valueSize;
        attr.MaxEntries = (uint)maxEntries;
        WriteName(attr.MapName, name);
        var fd = Libc.Bpf(Libc.BPF_MAP_CREATE, &attr);
        if (fd < 0)
            throw SyscallException.FromLastError("bpf(BPF_MAP_CREATE)", "map " + name);
        return new BpfMap(name, fd, type, keySize, valueSize, maxEntries);
    }

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/> (<see cref="LookupSize"/>
    /// bytes); false when the key is absent.</summary>
    public bool Lookup(void* key, void* value)
    {
        var attr = Elem(key, value, 0);
        if (Libc.Bpf(Libc.BPF_MAP_LOOKUP_ELEM, &attr) == 0)
            return true;
        if (Libc.LastErrno == Errno.ENOENT)
            return false;
        throw SyscallException.FromLastError("bpf(BPF_MAP_LOOKUP_ELEM)", "map " + Name);
    }

    public void Update(void* key, void* value, ulong flags = Libc.BPF_ANY)
    {
        var attr = Elem(key, value, flags);
        if (Libc.Bpf(Libc.BPF_MAP_UPDATE_ELEM, &attr) != 0)
            throw SyscallException.FromLastError("bpf(BPF_MAP_UPDATE_ELEM)", "map " + Name);
    }

    /// <summary>Removes <paramref name="key"/>; false when it was absent.</summary>
    public bool Delete(void* key)
    {
        var attr = Elem(key, null, 0);
        if (Libc.Bpf(Libc.BPF_MAP_DELETE_ELEM, &attr) == 0)
            return true;
        if (Libc.LastErrno == Errno.ENOENT)
            return false;
        throw SyscallException.FromLastError("bpf(BPF_MAP_DELETE_ELEM)", "map " + Name);
    }

    /// <summary>The key after <paramref name="key"/> (the first key when it is null or absent); false at the end.</summary>
    public bool NextKey(void* key, void* next)
    {
        var attr = Elem(key, next, 0);
        if (Libc.Bpf(Libc.BPF_MAP_GET_NEXT_KEY, &attr) == 0)
            return true;
        if (Libc.LastErrno == Errno.ENOENT)
            return false;
        throw SyscallException.FromLastError("bpf(BPF_MAP_GET_NEXT_KEY)", "map " + Name);
    }

    /// <summary>Every key of a hash map, as raw bytes. The map may change meanwhile (a key deleted while
    /// walking restarts the walk at the first key, so a key may come twice: callers de-duplicate).</summary>
    public List<byte[]> Keys()
    {
        var keys = new List<byte[]>();
        var current = new byte[KeySize];
        var next = new byte[KeySize];
        var first = true;
        fixed (byte* c = current, n = next)
        {
            while (NextKey(first ? null : c, n))
            {
                first = false;
                keys.Add(next.ToArray());
                next.CopyTo(current, 0);
                if (keys.Count > 4 * MaxEntries)
                    break; // a map churning faster than we walk it: what we have is enough
            }
        }
        return keys;
    }

    public void Dispose()
    {
        if (Fd >= 0)
            Libc.Close(Fd);
        Fd = -1;
    }

    internal static void WriteName(byte* destination, string name)
    {
        // Object names: at most 15 characters of [A-Za-z0-9_.], NUL-terminated.
        var bytes = Encoding.ASCII.GetBytes(name);
        for (var i = 0; i < bytes.Length && i < 15; i++)
            destination[i] = bytes[i];
    }

    private Libc.BpfMapElemAttr Elem(void* key, void* value, ulong flags)
    {
        Libc.BpfMapElemAttr attr = default;
        attr.MapFd = (uint)Fd;
        attr.Key = (ulong)key;
        attr.ValueOrNextKey = (ulong)value;
        attr.Flags = flags;
        return attr;
    }
}
