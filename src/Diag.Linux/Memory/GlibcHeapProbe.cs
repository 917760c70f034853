using Diag.Linux.Interop;

namespace Diag.Linux.Memory;

/// <summary>What the header of a glibc heap says (malloc/arena.c, struct _heap_info): the arena it belongs to, the
/// previous heap of that arena, and how much of its 64 MiB is currently made accessible.</summary>
internal readonly record struct GlibcHeapHeader(ulong ArenaAddress, ulong PreviousHeap, ulong Size, ulong ProtectedSize);

/// <summary>
/// Reads the headers of candidate glibc heaps from the process's memory (process_vm_readv: one call for all of
/// them, no stop), which turns "a 64 MiB-aligned reservation" into "heap of arena X" and lets arenas be counted
/// exactly (an arena that outgrew 64 MiB has several heaps). Needs ptrace access, as gdb would.
/// </summary>
internal static unsafe class GlibcHeapProbe
{
    // struct _heap_info { mstate ar_ptr; struct _heap_info *prev; size_t size; size_t mprotect_size; ... }
    private const int HeaderSize = 32;

    /// <summary>The headers at each address, or null when the memory could not be read (not permitted, or gone).</summary>
    public static GlibcHeapHeader[]? Read(int pid, IReadOnlyList<ulong> heapStarts)
    {
        if (heapStarts.Count == 0) return [];
        var result = new GlibcHeapHeader[heapStarts.Count];
        var buffer = new ulong[heapStarts.Count * 4];
        const int batch = 1024; // IOV_MAX
        int vectors = Math.Min(batch, heapStarts.Count);
        var localVectors = stackalloc Libc.IoVec[vectors];
        var remoteVectors = stackalloc Libc.IoVec[vectors];
        fixed (ulong* local = buffer)
        {
            for (int first = 0; first < heapStarts.Count; first += batch)
            {
                int n = Math.Min(batch, heapStarts.Count - first);
                for (int i = 0; i < n; i++)
                {
                    localVectors[i] = new Libc.IoVec { Base = local + (first + i) * 4, Length = HeaderSize };
                    remoteVectors[i] = new Libc.IoVec { Base = (void*)heapStarts[first + i], Length = HeaderSize };
                }
                nint read = Libc.ProcessVmReadv(pid, localVectors, (nuint)n, remoteVectors, (nuint)n, 0);
                if (read != (nint)n * HeaderSize) return null;
            }
        }
        for (int i = 0; i < result.Length; i++)
            result[i] = new GlibcHeapHeader(buffer[i * 4], buffer[i * 4 + 1], buffer[i * 4 + 2], buffer[i * 4 + 3]);
        return result;
    }
}
