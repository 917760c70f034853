using System.Collections.Concurrent;

namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// The running kernel's BTF, read once per process: <c>/sys/kernel/btf/vmlinux</c> (CONFIG_DEBUG_INFO_BTF,
/// Linux 5.4+; on in current distributions) and, for loaded modules, <c>/sys/kernel/btf/MODULE</c>
/// (CONFIG_DEBUG_INFO_BTF_MODULES, 5.11+), split BTF on top of vmlinux's. The kernel's layout does not change
/// while it runs, so the parsed types are cached for the life of the process; a module's are cached by
/// name (a module unloaded and loaded again is the same binary, so the same types).
/// </summary>
internal static class KernelBtf
{
    public const string Directory = "/sys/kernel/btf";
    public const string VmlinuxName = "vmlinux";

    public static string VmlinuxPath => Path.Combine(Directory, VmlinuxName);

    private static readonly Lazy<(BtfTypes? Types, string? Problem)> Kernel =
        new(() => Load(VmlinuxPath, VmlinuxName, null), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly ConcurrentDictionary<string, Lazy<(BtfTypes? Types, string? Problem)>> Modules = new(StringComparer.Ordinal);

    /// <summary>The kernel's types; null when this kernel has no BTF or it cannot be read (see <see cref="Problem"/>).</summary>
    public static BtfTypes? Vmlinux => Kernel.Value.Types;

    /// <summary>Why <see cref="Vmlinux"/> is null, in words that follow "the kernel's type information ...".</summary>
    public static string? Problem => Kernel.Value.Problem;

    /// <summary>The running kernel's release, for messages that say which kernel lacks something.</summary>
    public static string Release => KernelRelease.Value;

    private static readonly Lazy<string> KernelRelease = new(() => TryReadRelease() ?? Environment.OSVersion.Version.ToString());

    /// <summary>The types of loaded module <paramref name="module"/> (with vmlinux's below them); null when the
    /// module is not loaded, has no BTF, or the kernel has none.</summary>
    public static BtfTypes? Module(string module)
    {
        if (module == VmlinuxName)
            return Vmlinux;
        if (module.Length == 0 || module.Contains('/') || module.StartsWith('.') || Vmlinux is not { } kernel)
            return null;
        var path = Path.Combine(Directory, module);
        if (!File.Exists(path))
            return null; // not loaded now; not cached, so loading it later is seen
        return Modules.GetOrAdd(module, name => new Lazy<(BtfTypes?, string?)>(() => Load(path, name, kernel),
            LazyThreadSafetyMode.ExecutionAndPublication)).Value.Types;
    }

    /// <summary>The loaded modules that have BTF, by name.</summary>
    public static IReadOnlyList<string> ModuleNames()
    {
        try
        {
            return System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName).OfType<string>()
                .Where(name => name != VmlinuxName).Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Where struct or union <paramref name="name"/> is defined: vmlinux's types or the first loaded
    /// module's that defines it (e.g. struct nf_conn when nf_conntrack is a module); null when nowhere.</summary>
    public static BtfTypes? FindComposite(string name) =>
        Defining(types => types.FindHere(name, BtfKind.Struct, BtfKind.Union) != 0);

    /// <summary>Function <paramref name="name"/> in vmlinux or a loaded module (its <see cref="BtfFunction.Module"/>
    /// says which); null when no BTF describes it.</summary>
    public static BtfFunction? FindFunction(string name) =>
        Defining(types => types.FindHere(name, BtfKind.Function) != 0)?.Function(name);

    private static BtfTypes? Defining(Func<BtfTypes, bool> defines)
    {
        if (Vmlinux is not { } kernel)
            return null;
        if (defines(kernel))
            return kernel;
        foreach (var name in ModuleNames())
            if (Module(name) is { } module && defines(module))
                return module;
        return null;
    }

    internal static (BtfTypes? Types, string? Problem) Load(string path, string name, BtfTypes? baseTypes)
    {
        try
        {
            return (BtfTypes.Parse(BtfBytes.MapOrRead(path), name, baseTypes), null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, $"is missing ({path}: the kernel was built without CONFIG_DEBUG_INFO_BTF)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read ({path}: {e.Message})");
        }
        catch (InvalidDataException e)
        {
            return (null, $"cannot be parsed ({path}: {e.Message})");
        }
    }

    private static string? TryReadRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
