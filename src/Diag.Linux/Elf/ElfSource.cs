using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Elf;

/// <summary>Where an ELF image's bytes come from: an open file, read on demand, or memory (the vDSO
/// copied from the target, a decompressed MiniDebugInfo image).</summary>
internal abstract class ElfSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Copies bytes at <paramref name="offset"/>; returns how many (fewer at the end, 0 when unreadable).</summary>
    public abstract int Read(long offset, Span<byte> destination);

    public virtual void Dispose() { }

    public static ElfSource FromFile(SafeFileHandle handle) => new FileSource(handle);

    public static ElfSource FromMemory(byte[] bytes) => new MemorySource(bytes);

    private sealed class FileSource : ElfSource
    {
        private readonly SafeFileHandle _handle;
        private readonly long _length;

        public FileSource(SafeFileHandle handle)
        {
            _handle = handle;
            _length = RandomAccess.GetLength(handle);
        }

        public override long Length => _length;

        public override int Read(long offset, Span<byte> destination)
        {
            if (offset < 0 || offset >= _length) return 0;
            try
            {
                var total = 0;
                while (total < destination.Length)
                {
                    var n = RandomAccess.Read(_handle, destination[total..], offset + total);
                    if (n <= 0) break;
                    total += n;
                }
                return total;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
            {
                return 0; // evicted from the cache meanwhile, or the file went away under us
            }
        }

        public override void Dispose() => _handle.Dispose();
    }

    private sealed class MemorySource : ElfSource
    {
        private readonly byte[] _bytes;

        public MemorySource(byte[] bytes) => _bytes = bytes;

        public override long Length => _bytes.Length;

        public override int Read(long offset, Span<byte> destination)
        {
            if (offset < 0 || offset >= _bytes.Length) return 0;
            var count = (int)Math.Min(destination.Length, _bytes.Length - offset);
            _bytes.AsSpan((int)offset, count).CopyTo(destination);
            return count;
        }
    }
}
