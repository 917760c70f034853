using System.Runtime.CompilerServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>A BPF map owned by this process: its descriptor, created by <see cref="Create"/>, closed by Dispose
/// or the finalizer (the kernel frees the map once no program uses it either).</summary>
internal sealed unsafe class BpfMap : IDisposable
{
    private BpfMap(string name, SafeFileDescriptor fd, BpfMapType type, int keySize, int valueSize, int maxEntries)
    {
        Name = name;
        Fd = fd;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
    }

    public string Name { get; }

    public SafeFileDescriptor Fd { get; }

    public BpfMapType Type { get; }

    public int KeySize { get; }

    public int ValueSize { get; }

    public int MaxEntries { get; }

    /// <summary>The map's kernel-wide id (what bpftool map show lists).</summary>
    public uint Id => BpfObjectId.Of(Fd);

    /// <summary>Per-CPU maps hand user space one value per possible CPU, each rounded up to 8 bytes.</summary>
    public bool IsPerCpu => Type is BpfMapType.PerCpuArray or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash;

    /// <summary>Bytes between two CPUs' values in a per-CPU lookup.</summary>
    public int PerCpuStride => (ValueSize + 7) / 8 * 8;

    /// <summary>Bytes a lookup from user space fills: the value, or one per possible CPU.</summary>
    public int LookupSize => IsPerCpu ? PerCpuStride * PossibleCpus.Count : ValueSize;

    /// <summary>Creates a map. <paramref name="name"/> (at most 15 characters) is what bpftool shows.
    /// Throws <see cref="SyscallException"/> naming bpf(BPF_MAP_CREATE).</summary>
    public static BpfMap Create(string name, BpfMapType type, int keySize, int valueSize, int maxEntries, uint flags = 0)
    {
        Libc.BpfMapCreateAttr attr = default;
        attr.MapType = (uint)type;
        attr.KeySize = (uint)keySize;
        attr.ValueSize = (uint)valueSize;
        attr.MaxEntries = (uint)maxEntries;
        attr.MapFlags = flags;
        BpfObjectName.Write(attr.MapName, name);
        var fd = SafeFileDescriptor.FromResult(Libc.Bpf(Libc.BPF_MAP_CREATE, &attr), "bpf(BPF_MAP_CREATE)", "map " + name);
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

    /// <summary>The value of <paramref name="key"/> in a map whose key and value have these sizes; false when absent.</summary>
    public bool TryLookup<TKey, TValue>(TKey key, out TValue value) where TKey : unmanaged where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: false);
        value = default;
        fixed (TValue* v = &value)
            return Lookup(&key, v);
    }

    /// <summary>Each possible CPU's value of <paramref name="key"/> in a per-CPU map (values of 8-byte multiples);
    /// false when the key is absent.</summary>
    public bool TryLookupPerCpu<TKey, TValue>(TKey key, Span<TValue> perCpu) where TKey : unmanaged where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: true);
        if (perCpu.Length < PossibleCpus.Count)
            throw new ArgumentException($"a per-CPU lookup fills {PossibleCpus.Count} values", nameof(perCpu));
        fixed (TValue* v = perCpu)
            return Lookup(&key, v);
    }

    /// <summary>The sum over every CPU of a per-CPU map's u64 value (counters); 0 when the key is absent.</summary>
    public ulong SumPerCpu<TKey>(TKey key) where TKey : unmanaged
    {
        Span<ulong> values = stackalloc ulong[PossibleCpus.Count];
        if (!TryLookupPerCpu(key, values))
            return 0;
        ulong sum = 0;
        foreach (var v in values)
            sum += v;
        return sum;
    }

    public void Update<TKey, TValue>(TKey key, TValue value, ulong flags = Libc.BPF_ANY) where TKey : unmanaged where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: false);
        Update(&key, &value, flags);
    }

    /// <summary>Makes the map read-only for user space from now on (BPF_MAP_FREEZE, Linux 5.2): with
    /// BPF_F_RDONLY_PROG the verifier then trusts its contents as constants (format strings).</summary>
    public void Freeze()
    {
        var attr = Elem(null, null, 0);
        if (Libc.Bpf(Libc.BPF_MAP_FREEZE, &attr) != 0)
            throw SyscallException.FromLastError("bpf(BPF_MAP_FREEZE)", "map " + Name);
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

    public void Dispose() => Fd.Dispose();

    public override string ToString() => $"{Type} map {Name}";

    private void CheckSizes<TKey, TValue>(bool perCpu) where TKey : unmanaged where TValue : unmanaged
    {
        if (Unsafe.SizeOf<TKey>() != KeySize)
            throw new ArgumentException($"map {Name} has {KeySize}-byte keys, not {Unsafe.SizeOf<TKey>()}");
        var valueSize = perCpu ? PerCpuStride : ValueSize;
        if (Unsafe.SizeOf<TValue>() != valueSize)
            throw new ArgumentException($"map {Name} has {valueSize}-byte values, not {Unsafe.SizeOf<TValue>()}");
    }

    private Libc.BpfMapElemAttr Elem(void* key, void* value, ulong flags)
    {
        ObjectDisposedException.ThrowIf(Fd.IsClosed, this);
        Libc.BpfMapElemAttr attr = default;
        attr.MapFd = (uint)Fd.Value;
        attr.Key = (ulong)key;
        attr.ValueOrNextKey = (ulong)value;
        attr.Flags = flags;
        return attr;
    }
}
