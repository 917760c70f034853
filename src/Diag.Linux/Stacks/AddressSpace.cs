using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Stacks;

/// <summary>
/// The code of one target process: its mappings, the ELF image and load bias behind each executable one
/// (opened the way the process sees its files), the vDSO copied from its memory, and its perf map.
/// Built before its threads are stopped; images are opened when an address first needs them. Not
/// thread-safe: used by one capture at a time.
/// </summary>
internal sealed class AddressSpace
{
    private readonly Dictionary<MemoryMapping, CodeLocation> _located = new(ReferenceEqualityComparer.Instance);
    private MemoryMap _map;
    private bool _refreshed;
    private PerfMap? _perfMap;
    private bool _perfMapRead;

    private AddressSpace(int pid, MemoryMap map)
    {
        ProcessId = pid;
        _map = map;
        // In another mount namespace (a container), its own debug packages first, then the host's.
        DebugRoots = SameMountNamespace(pid) ? [""] : [$"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/root", ""];
    }

    public int ProcessId { get; }

    public MemoryMap Map => _map;

    /// <summary>Prefixes under which separate debug files are looked for.</summary>
    public IReadOnlyList<string> DebugRoots { get; }

    public static AddressSpace? Read(int pid) => MemoryMap.Read(pid) is { } map ? new AddressSpace(pid, map) : null;

    /// <summary>The mapping holding an address (the maps are read again once if none does: code mapped since).</summary>
    public MemoryMapping? Mapping(ulong address)
    {
        var mapping = _map.Find(address);
        if (mapping is null && !_refreshed)
        {
            _refreshed = true;
            if (MemoryMap.Read(ProcessId) is { } fresh) _map = fresh;
            mapping = _map.Find(address);
        }
        return mapping;
    }

    /// <summary>Null when the address is in no mapping.</summary>
    public CodeLocation? Locate(ulong address)
    {
        var mapping = Mapping(address);
        if (mapping is null) return null;
        if (_located.TryGetValue(mapping, out var known)) return known;
        var location = new CodeLocation(mapping, null, 0);
        var openedPath = "";
        var image = mapping.IsFile ? OpenFileImage(mapping, out openedPath)
            : mapping.Path == "[vdso]" ? OpenMemoryImage(mapping) : null;
        if (image is not null && image.Elf.LoadBias(mapping.Start, mapping.Path == "[vdso]" ? 0 : mapping.Offset) is { } bias)
            location = new CodeLocation(mapping, image, bias, openedPath);
        _located[mapping] = location;
        return location;
    }

    /// <summary>The process's perf map, read (or brought up to date) once per capture.</summary>
    public PerfMap? PerfMap
    {
        get
        {
            if (_perfMapRead) return _perfMap;
            _perfMapRead = true;
            return _perfMap = Stacks.PerfMap.For(ProcessId, NamespaceProcessId());
        }
    }

    private ModuleImage? OpenFileImage(MemoryMapping mapping, out string openedPath)
    {
        // Every mapping of one file shares the image; the cache finds it by identity.
        var handle = ModuleFileOpener.Open(ProcessId, mapping, out openedPath);
        return handle is null ? null : ModuleImageCache.Get(handle);
    }

    private unsafe ModuleImage? OpenMemoryImage(MemoryMapping mapping)
    {
        var size = mapping.End - mapping.Start;
        if (size is 0 or > 1 << 20) return null;
        var bytes = new byte[size];
        fixed (byte* buffer = bytes)
        {
            var local = new Libc.IoVec { Base = buffer, Length = (nuint)size };
            var remote = new Libc.IoVec { Base = (void*)mapping.Start, Length = (nuint)size };
            if (Libc.ProcessVmReadv(ProcessId, &local, 1, &remote, 1, 0) != (nint)size) return null;
        }
        return ModuleImageCache.Get(bytes);
    }

    private int NamespaceProcessId()
    {
        try
        {
            var status = File.ReadAllBytes($"/proc/{ProcessId.ToString(CultureInfo.InvariantCulture)}/status");
            var inner = TaskStatusFields.Parse(status).NamespaceThreadGroupId;
            return inner > 0 ? inner : ProcessId;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ProcessId;
        }
    }

    private static bool SameMountNamespace(int pid)
    {
        try
        {
            var theirs = new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/mnt").LinkTarget;
            var ours = new FileInfo("/proc/self/ns/mnt").LinkTarget;
            return theirs is not null && theirs == ours;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
