using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tests.Syscalls;

/// <summary>
/// Tracee memory backed by pinned buffers in this test process: the decoder gets real addresses and
/// reads real memory through them. Addresses outside the registered buffers read as unmapped (0
/// bytes), which is how the tests exercise unreadable pointers without risking a crash.
/// </summary>
internal sealed unsafe class PinnedTraceeMemory : ITraceeMemory, IDisposable
{
    private readonly List<(GCHandle Handle, ulong Start, int Length)> _regions = new();

    /// <summary>An address no buffer covers.</summary>
    public const ulong Unmapped = 0xdead0000;

    public ulong Add(byte[] bytes)
    {
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        var start = (ulong)handle.AddrOfPinnedObject();
        _regions.Add((handle, start, bytes.Length));
        return start;
    }

    public ulong AddCString(string text) => Add(Encoding.UTF8.GetBytes(text + "\0"));

    public ulong AddInt32s(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Add(bytes);
    }

    public ulong AddUInt64s(params ulong[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return Add(bytes);
    }

    /// <summary>A NULL-terminated char* array, as execve's argv.</summary>
    public ulong AddStringArray(params string[] strings) =>
        AddUInt64s(strings.Select(AddCString).Append(0UL).ToArray());

    /// <summary>Changes memory between a call's entry and exit, as the kernel does for what it fills in.</summary>
    public void WriteInt32(ulong address, int value) => Write(address, BitConverter.GetBytes(value));

    public void WriteUInt64(ulong address, ulong value) => Write(address, BitConverter.GetBytes(value));

    public void Write(ulong address, ReadOnlySpan<byte> bytes)
    {
        foreach (var (_, start, length) in _regions)
        {
            if (address >= start && address + (ulong)bytes.Length <= start + (ulong)length)
            {
                bytes.CopyTo(new Span<byte>((void*)address, bytes.Length));
                return;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(address), "no buffer holds this range");
    }

    public int Read(ulong address, Span<byte> destination)
    {
        foreach (var (_, start, length) in _regions)
        {
            if (address < start || address >= start + (ulong)length)
                continue;
            var available = (int)Math.Min((ulong)destination.Length, start + (ulong)length - address);
            new ReadOnlySpan<byte>((void*)address, available).CopyTo(destination);
            return available;
        }
        return 0;
    }

    public void Dispose()
    {
        foreach (var (handle, _, _) in _regions)
            handle.Free();
        _regions.Clear();
    }
}
