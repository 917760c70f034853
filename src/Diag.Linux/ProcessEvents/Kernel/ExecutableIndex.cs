using System.Buffers.Binary;
using Diag.Linux.Bpf;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// Executables by (inode, device), as the kernel programs walked them into the executable map, cached here: a fork
/// storm names the same file thousands of times and costs one map lookup. Exec records teach it their file too.
/// </summary>
internal sealed unsafe class ExecutableIndex
{
    private readonly BpfMap _map;
    private readonly Dictionary<(ulong Inode, uint Device), ExecutablePath> _known = new();

    public ExecutableIndex(BpfMap map) => _map = map;

    public ExecutablePath? Find(ulong inode, uint device)
    {
        if (_known.TryGetValue((inode, device), out var known))
            return known;
        var key = stackalloc byte[ExeKeyLayout.Size];
        new Span<byte>(key, ExeKeyLayout.Size).Clear();
        *(ulong*)(key + ExeKeyLayout.Inode) = inode;
        *(uint*)(key + ExeKeyLayout.Device) = device;
        var value = new byte[ExeKeyLayout.ValueSize];
        fixed (byte* v = value)
        {
            if (!_map.Lookup(key, v))
                return null;
        }
        var length = Math.Min((int)BinaryPrimitives.ReadUInt16LittleEndian(value), ProcessRecordLayout.PathCapacity);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(value.AsSpan(ExeKeyLayout.ValueFlags));
        var cut = (flags & ProcessRecordLayout.FlagPathCut) != 0;
        if (WalkedPath.Decode(value.AsSpan(ExeKeyLayout.ValuePath, length), reachedRoot: false) is not { } path)
            return null;
        var found = new ExecutablePath(path, (flags & ProcessRecordLayout.FlagPathDeleted) != 0, cut);
        _known[(inode, device)] = found;
        return found;
    }

    /// <summary>Remembers the file an exec record walked.</summary>
    public void Learn(ulong inode, uint device, ExecutablePath path)
    {
        if (inode != 0 && !path.Cut)
            _known.TryAdd((inode, device), path);
    }
}
