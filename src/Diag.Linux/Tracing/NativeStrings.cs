using System.Runtime.InteropServices;
using System.Text;

namespace Diag.Linux.Tracing;

/// <summary>NUL-terminated UTF-8 strings and string arrays in native memory, freed together.
/// Prepared before a clone so that the child needs nothing but pointers.</summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<nint> _blocks = new();

    public byte* Add(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var block = (byte*)NativeMemory.Alloc((nuint)length + 1);
        _blocks.Add((nint)block);
        Encoding.UTF8.GetBytes(text, new Span<byte>(block, length));
        block[length] = 0;
        return block;
    }

    /// <summary>A NULL-terminated array of strings (argv, envp).</summary>
    public byte** AddArray(IReadOnlyList<string> items)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(byte*));
        _blocks.Add((nint)array);
        for (var i = 0; i < items.Count; i++)
            array[i] = Add(items[i]);
        array[items.Count] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
            NativeMemory.Free((void*)block);
        _blocks.Clear();
    }
}
