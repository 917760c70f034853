using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Diag.Linux.Bpf;

/// <summary>
/// Kernel function names for kernel code addresses, from <c>/proc/kallsyms</c>: what turns a kernel stack
/// trace or a drop location into "nf_hook_slow+0x71". The text symbols (~120,000) are kept as a sorted
/// address array with each name's place in the file's bytes, so loading costs one read of the file (most of
/// it the kernel formatting it) and a pass over it; a lookup is a binary search. Names become strings only
/// when looked up. When the kernel hides addresses from this process (kptr_restrict, no CAP_SYSLOG) every
/// address reads as 0: <see cref="HiddenReason"/> says so and lookups find nothing, instead of naming the
/// wrong function.
/// </summary>
internal sealed class KernelSymbols
{
    private static readonly object CurrentLock = new();
    private static (KernelSymbols Symbols, string ModulesKey)? s_current;

    private readonly byte[] _text;
    private readonly ulong[] _addresses; // ascending
    private readonly int[] _nameStarts;  // where each name starts in _text, same order
    private readonly byte[] _nameLengths;
    private readonly short[] _modules;   // index into _moduleNames, -1 for the kernel itself
    private readonly string[] _moduleNames;

    private KernelSymbols(byte[] text, ulong[] addresses, int[] nameStarts, byte[] nameLengths, short[] modules,
        string[] moduleNames, string? hiddenReason)
    {
        _text = text;
        _addresses = addresses;
        _nameStarts = nameStarts;
        _nameLengths = nameLengths;
        _modules = modules;
        _moduleNames = moduleNames;
        HiddenReason = hiddenReason;
    }

    /// <summary>The number of text (function) symbols.</summary>
    public int Count => _addresses.Length;

    /// <summary>Why every address read as 0, with what would reveal them; null when the addresses are real.</summary>
    public string? HiddenReason { get; }

    /// <summary>The running kernel's symbols, loaded once and loaded again only when the set of modules changes
    /// (/proc/modules), since a module's functions appear and move with it.</summary>
    public static KernelSymbols Current
    {
        get
        {
            var key = ReadOrEmpty("/proc/modules");
            lock (CurrentLock)
            {
                if (s_current is not { } current || current.ModulesKey != key)
                    s_current = current = (Load(), key);
                return current.Symbols;
            }
        }
    }

    /// <summary>Reads <c>ROOT/proc/kallsyms</c>. Throws IOException or UnauthorizedAccessException when it cannot be read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once, cold, over 120,000 lines: straight to optimized code
    public static KernelSymbols Load(string root = "/")
    {
        var text = File.ReadAllBytes(Path.Combine(root, "proc/kallsyms"));
        var addresses = new List<ulong>(capacity: 1 << 17);
        var nameStarts = new List<int>(capacity: 1 << 17);
        var nameLengths = new List<byte>(capacity: 1 << 17);
        var modules = new List<short>(capacity: 1 << 17);
        var moduleNames = new List<string>();
        var anyAddress = false;
        var span = text.AsSpan();
        for (var start = 0; start < text.Length;)
        {
            var end = span[start..].IndexOf((byte)'\n') is var n and >= 0 ? start + n : text.Length;
            // "ffffffff81f799d0 T nf_hook_slow" or "ffffffffc0a01230 t tun_get_user\t[tun]"
            var fields = span[start..end];
            var lineStart = start;
            start = end + 1;
            var firstSpace = fields.IndexOf((byte)' ');
            if (firstSpace <= 0 || fields.Length < firstSpace + 4 || fields[firstSpace + 2] != (byte)' '
                || fields[firstSpace + 1] is not ((byte)'t' or (byte)'T' or (byte)'w' or (byte)'W')
                || !ulong.TryParse(fields[..firstSpace], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address))
                continue;
            var name = fields[(firstSpace + 3)..];
            short module = -1;
            var tab = name.IndexOf((byte)'\t');
            if (tab >= 0)
            {
                var tail = name[(tab + 1)..].Trim((byte)' ');
                if (tail.Length > 2 && tail[0] == (byte)'[' && tail[^1] == (byte)']')
                    module = ModuleIndex(moduleNames, Encoding.UTF8.GetString(tail[1..^1]));
                name = name[..tab];
            }
            if (name.Length is 0 or > byte.MaxValue)
                continue; // KSYM_NAME_LEN is 512, but function names are far shorter
            anyAddress |= address != 0;
            addresses.Add(address);
            nameStarts.Add(lineStart + firstSpace + 3);
            nameLengths.Add((byte)name.Length);
            modules.Add(module);
        }
        var order = SortedOrder(addresses);
        return new KernelSymbols(text, Permute(addresses, order), Permute(nameStarts, order), Permute(nameLengths, order),
            Permute(modules, order), moduleNames.ToArray(), addresses.Count > 0 && !anyAddress ? WhyHidden(root) : null);
    }

    /// <summary>The function that contains <paramref name="address"/> (the nearest symbol at or below it) and the
    /// offset into it; null when the addresses are hidden, or the address is below every symbol or past the end
    /// of the kernel's text (_etext, _einittext).</summary>
    public KernelSymbolOffset? Find(ulong address)
    {
        if (HiddenReason is not null || _addresses.Length == 0)
            return null;
        var index = Array.BinarySearch(_addresses, address);
        if (index < 0)
            index = ~index - 1; // the last symbol below
        if (index < 0)
            return null;
        while (index > 0 && _addresses[index - 1] == _addresses[index])
            index--; // aliases at one address: the first listed
        var name = Name(index);
        if (name is "_etext" or "_einittext")
            return null;
        return new KernelSymbolOffset(address, name, address - _addresses[index], _modules[index] < 0 ? null : _moduleNames[_modules[index]]);
    }

    /// <summary>The address of function <paramref name="name"/> (the first listed, for static functions that
    /// share a name); null when absent or hidden. A scan (about a millisecond): for attaching and tests, not
    /// for every event.</summary>
    public ulong? AddressOf(string name)
    {
        if (HiddenReason is not null)
            return null;
        var wanted = Encoding.UTF8.GetBytes(name);
        var best = -1;
        for (var i = 0; i < _addresses.Length; i++)
            if (_nameLengths[i] == wanted.Length && (best < 0 || _nameStarts[i] < _nameStarts[best])
                && _text.AsSpan(_nameStarts[i], wanted.Length).SequenceEqual(wanted))
                best = i;
        return best < 0 ? null : _addresses[best];
    }

    private string Name(int index) => Encoding.UTF8.GetString(_text, _nameStarts[index], _nameLengths[index]);

    private static short ModuleIndex(List<string> names, string module)
    {
        var index = names.IndexOf(module);
        if (index < 0)
        {
            names.Add(module);
            index = names.Count - 1;
        }
        return (short)index;
    }

    /// <summary>Indexes in ascending address order, stable (equal addresses keep file order); the kernel's own
    /// symbols come sorted, so usually nothing moves.</summary>
    private static int[] SortedOrder(List<ulong> addresses)
    {
        var order = new int[addresses.Count];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        var sorted = true;
        for (var i = 1; i < addresses.Count && sorted; i++)
            sorted = addresses[i - 1] <= addresses[i];
        if (!sorted)
            Array.Sort(order, (a, b) => addresses[a] != addresses[b] ? addresses[a].CompareTo(addresses[b]) : a.CompareTo(b));
        return order;
    }

    private static T[] Permute<T>(List<T> values, int[] order)
    {
        var result = new T[order.Length];
        for (var i = 0; i < order.Length; i++)
            result[i] = values[order[i]];
        return result;
    }

    private static string WhyHidden(string root)
    {
        var restrict = ReadOrEmpty(Path.Combine(root, "proc/sys/kernel/kptr_restrict")).Trim();
        var paranoid = ReadOrEmpty(Path.Combine(root, "proc/sys/kernel/perf_event_paranoid")).Trim();
        return restrict switch
        {
            "2" => "the kernel hides its addresses from every process, root included (kernel.kptr_restrict is 2)",
            "0" => $"the kernel hides its addresses from this process (kernel.kptr_restrict is 0 but kernel.perf_event_paranoid is {paranoid}): run as root or with CAP_SYSLOG",
            _ => $"the kernel hides its addresses from this process (kernel.kptr_restrict is {(restrict.Length > 0 ? restrict : "unknown")}): run as root or with CAP_SYSLOG",
        };
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

/// <summary>A kernel code address as function+offset, and the module when the function is in one.</summary>
internal sealed class KernelSymbolOffset
{
    public KernelSymbolOffset(ulong address, string function, ulong offset, string? module)
    {
        Address = address;
        Function = function;
        Offset = offset;
        Module = module;
    }

    public ulong Address { get; }

    public string Function { get; }

    public ulong Offset { get; }

    /// <summary>The module ("nf_conntrack"), null for the kernel image.</summary>
    public string? Module { get; }

    /// <summary>As the kernel prints a stack frame: "nf_hook_slow+0x71", "tun_get_user+0x1a [tun]".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Function}+0x{Offset:x}{(Module is null ? "" : " [" + Module + "]")}");
}
