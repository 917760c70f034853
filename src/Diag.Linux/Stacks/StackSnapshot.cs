using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Stacks;

/// <summary>
/// A copy of a thread's stack, from its stack pointer up, taken while the thread was stopped: the
/// unwinder reads saved registers and return addresses from it after the thread runs again, so the
/// thread is stopped only for the copy. One native buffer, reused for every thread of a capture.
/// </summary>
internal sealed unsafe class StackSnapshot : IDisposable
{
    private byte* _buffer;

    public StackSnapshot(int capacity)
    {
        Capacity = capacity;
        _buffer = (byte*)NativeMemory.Alloc((nuint)capacity);
    }

    public int Capacity { get; }

    /// <summary>Target address of the first byte copied.</summary>
    public ulong BaseAddress { get; private set; }

    public int Length { get; private set; }

    /// <summary>Copies the target's memory from <paramref name="address"/> up to <paramref name="end"/> (at most
    /// <see cref="Capacity"/> bytes; a shorter copy where the mapping ends). Returns the bytes copied.</summary>
    public int Fill(int tid, ulong address, ulong end)
    {
        BaseAddress = address;
        var want = end > address ? (int)Math.Min(end - address, (ulong)Capacity) : Capacity;
        var local = new Libc.IoVec { Base = _buffer, Length = (nuint)want };
        var remote = new Libc.IoVec { Base = (void*)address, Length = (nuint)want };
        var copied = Libc.ProcessVmReadv(tid, &local, 1, &remote, 1, 0);
        Length = copied > 0 ? (int)copied : 0;
        return Length;
    }

    public bool TryRead(ulong address, out ulong value)
    {
        var offset = address - BaseAddress;
        if (address >= BaseAddress && offset <= (ulong)Length && (ulong)Length - offset >= 8)
        {
            value = *(ulong*)(_buffer + offset);
            return true;
        }
        value = 0;
        return false;
    }

    public void Dispose()
    {
        if (_buffer == null) return;
        NativeMemory.Free(_buffer);
        _buffer = null;
    }
}
