namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// CO-RE in C#: the running kernel's structure layout for a program being assembled. libbpf relocates a
/// compiled program's field accesses at load time from relocation records; Diag assembles its programs at
/// run time, just before loading, so a program asks this for each offset as it emits the instruction and
/// the numbers in the bytecode are the running kernel's:
/// <code>a.Load(BpfSize.Word, R0, R6, layout.Offset("task_struct", "pid"));</code>
/// A field the kernel does not have is a <see cref="KernelLayoutException"/> that names it and the kernel,
/// raised before anything is loaded, instead of a verifier failure or a read of the wrong bytes.
/// </summary>
internal sealed class BtfLayout
{
    public BtfLayout(BtfTypes types, string kernel)
    {
        Types = types;
        Kernel = kernel;
    }

    public BtfTypes Types { get; }

    /// <summary>The kernel (release and, for a module, its name) that messages name.</summary>
    public string Kernel { get; }

    /// <summary>The running kernel's layout (vmlinux); throws <see cref="KernelLayoutException"/> when the
    /// kernel has no BTF.</summary>
    public static BtfLayout Running() => KernelBtf.Vmlinux is { } types
        ? new BtfLayout(types, "Linux " + KernelBtf.Release)
        : throw new KernelLayoutException($"the type information of this kernel (Linux {KernelBtf.Release}) {KernelBtf.Problem}", null, null);

    /// <summary>The layout of loaded module <paramref name="module"/> (its types over vmlinux's); throws when the
    /// module is not loaded or has no BTF.</summary>
    public static BtfLayout RunningModule(string module) => KernelBtf.Module(module) is { } types
        ? new BtfLayout(types, $"Linux {KernelBtf.Release} module {module}")
        : throw new KernelLayoutException(
            $"this kernel (Linux {KernelBtf.Release}) has no BTF for module {module}: it is not loaded, or was built without CONFIG_DEBUG_INFO_BTF_MODULES",
            null, null);

    /// <summary>Member <paramref name="path"/> of <paramref name="structure"/> ("task_struct", "mm"; "mm_struct",
    /// "arg_start"; "sk_buff", "cb[8]"). Throws <see cref="KernelLayoutException"/> naming what is missing.</summary>
    public BtfField Field(string structure, string path) =>
        Types.TryField(structure, path, out var problem)
            ?? throw new KernelLayoutException($"this kernel ({Kernel}) {problem}", structure, path);

    /// <summary>The byte offset of a member, to add to a pointer (any size). A bitfield is refused: it needs a load
    /// and shifts (<see cref="BtfField.Bitfield"/>).</summary>
    public int ByteOffset(string structure, string path)
    {
        var field = Field(structure, path);
        return field.ByteOffset ?? throw new KernelLayoutException(
            $"this kernel's ({Kernel}) {field.Path} is a bitfield ({field}): it has no byte offset", structure, path);
    }

    /// <summary>The byte offset of a member, as an instruction's 16-bit offset. A bitfield, or a member beyond
    /// 32 KiB, is refused: the first needs a load and shifts (<see cref="BtfField.Bitfield"/>), the second an add
    /// (<see cref="ByteOffset"/>).</summary>
    public short Offset(string structure, string path)
    {
        var offset = ByteOffset(structure, path);
        return offset <= short.MaxValue
            ? (short)offset
            : throw new KernelLayoutException($"this kernel's ({Kernel}) {structure}.{path} lies at byte {offset}, beyond an instruction's 16-bit offset", structure, path);
    }

    /// <summary>The value of enumerator <paramref name="value"/> of enum <paramref name="enumName"/>.</summary>
    public long EnumValue(string enumName, string value)
    {
        var found = Types.Enum(enumName)
            ?? throw new KernelLayoutException($"this kernel ({Kernel}) has no enum {enumName}", enumName, value);
        return found.ValueOf(value)
            ?? throw new KernelLayoutException($"this kernel's ({Kernel}) enum {enumName} has no {value}", enumName, value);
    }

    /// <summary>The size of struct/union/typedef/enum <paramref name="name"/>.</summary>
    public long SizeOf(string name) => Types.SizeOf(name)
        ?? throw new KernelLayoutException($"this kernel ({Kernel}) has no type {name}", name, null);
}

/// <summary>A program needs a type, member or value that the running kernel does not have (or not in a form
/// it can read). The message names it and the kernel.</summary>
internal sealed class KernelLayoutException : Exception
{
    public KernelLayoutException(string message, string? type, string? member) : base(message)
    {
        Type = type;
        Member = member;
    }

    /// <summary>The structure or enum asked for; null when the whole BTF is missing.</summary>
    public string? Type { get; }

    /// <summary>The member path or enumerator asked for.</summary>
    public string? Member { get; }
}
