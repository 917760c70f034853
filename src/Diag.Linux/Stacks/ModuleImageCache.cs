using Diag.Linux.Elf;
using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Stacks;

/// <summary>
/// Parsed ELF files shared by every capture of this process, keyed by file identity: the second stack
/// of a process (or of another process using the same libc) parses nothing again. Holds at most
/// <see cref="Capacity"/> files open; the least recently used is dropped.
/// </summary>
internal static class ModuleImageCache
{
    public const int Capacity = 64;

    private static readonly object Gate = new();
    private static readonly Dictionary<FileIdentity, LinkedListNode<(FileIdentity Key, ModuleImage Image)>> Entries = new();
    private static readonly LinkedList<(FileIdentity Key, ModuleImage Image)> Recent = new();
    private static readonly List<(byte[] Bytes, ModuleImage Image)> MemoryImages = new();

    /// <summary>The image of an open file (the handle is closed, or owned by the new image); null when it is not
    /// an x86_64 ELF file.</summary>
    public static ModuleImage? Get(SafeFileHandle handle)
    {
        var identity = FileIdentity.Of(handle);
        if (identity is { } key)
        {
            lock (Gate)
            {
                if (Entries.TryGetValue(key, out var node))
                {
                    Recent.Remove(node);
                    Recent.AddFirst(node);
                    handle.Dispose();
                    return node.Value.Image;
                }
            }
        }
        var source = ElfSource.FromFile(handle);
        var elf = ElfImage.TryParse(source);
        if (elf is null)
        {
            source.Dispose();
            return null;
        }
        var image = new ModuleImage(elf);
        if (identity is not { } id) return image;
        lock (Gate)
        {
            if (Entries.TryGetValue(id, out var raced))
            {
                image.Dispose();
                return raced.Value.Image;
            }
            Entries[id] = Recent.AddFirst((id, image));
            while (Recent.Count > Capacity)
            {
                var last = Recent.Last!;
                Recent.RemoveLast();
                Entries.Remove(last.Value.Key);
                last.Value.Image.Dispose();
            }
        }
        return image;
    }

    /// <summary>The image of code copied from memory (the vDSO): the same bytes give the same image.</summary>
    public static ModuleImage? Get(byte[] bytes)
    {
        lock (Gate)
        {
            foreach (var (cachedBytes, cached) in MemoryImages)
                if (cachedBytes.AsSpan().SequenceEqual(bytes)) return cached;
        }
        var parsed = ElfImage.TryParse(ElfSource.FromMemory(bytes));
        if (parsed is null) return null;
        var image = new ModuleImage(parsed);
        lock (Gate)
        {
            if (MemoryImages.Count >= 4) MemoryImages.RemoveAt(0); // not disposed: memory images hold no file
            MemoryImages.Add((bytes, image));
        }
        return image;
    }
}
