using Diag.Linux.Interop;

namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// The raw bytes of a BTF blob: a managed array, or a file mapped read-only. Since Linux 6.16 the kernel
/// lets /sys/kernel/btf/vmlinux be mapped (MAP_PRIVATE, read-only): its pages are the kernel's own .BTF
/// section, so nothing is copied, where reading the 5-6 MB file takes one 4 KiB read() per page (~1,300
/// system calls). A mapping is never unmapped: only the kernel's BTF, cached for the life of the process,
/// is mapped (as cilium/ebpf does).
/// </summary>
internal sealed unsafe class BtfBytes
{
    private readonly byte[]? _array;
    private readonly byte* _mapped;

    private BtfBytes(byte[]? array, byte* mapped, int length)
    {
        _array = array;
        _mapped = mapped;
        Length = length;
    }

    public int Length { get; }

    /// <summary>True when the bytes are a mapping of the file, not a copy.</summary>
    public bool IsMapped => _array is null;

    public ReadOnlySpan<byte> Span => _array ?? new ReadOnlySpan<byte>(_mapped, Length);

    public static BtfBytes FromArray(byte[] data) => new(data, null, data.Length);

    /// <summary>Maps <paramref name="path"/> for the rest of the process's life, or reads it when the kernel
    /// refuses the mapping (before 6.16, module BTF). Throws IOException and UnauthorizedAccessException as File does.</summary>
    public static BtfBytes MapOrRead(string path)
    {
        using (var file = File.OpenHandle(path))
        {
            var length = RandomAccess.GetLength(file);
            if (length is > 0 and < int.MaxValue)
            {
                var mapped = Libc.MMap(null, (nuint)length, Libc.PROT_READ, Libc.MAP_PRIVATE, (int)file.DangerousGetHandle(), 0);
                if (mapped != (void*)-1)
                    return new BtfBytes(null, (byte*)mapped, (int)length);
            }
        }
        return FromArray(File.ReadAllBytes(path));
    }
}
