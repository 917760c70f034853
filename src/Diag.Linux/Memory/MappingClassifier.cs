using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>
/// Names what each mapping is: by its path first ([heap], [stack], [vdso], files, shared memory, huge pages), then
/// glibc arena heaps by their layout (a 64 MiB-aligned rw-p part followed by the ---p rest of the 64 MiB, confirmed
/// by the heap header when the memory can be read), a JVM's code cache and Java heap, and thread stacks by the
/// threads' stack pointers (the ---p page below a stack is its guard).
/// </summary>
internal static class MappingClassifier
{
    /// <summary>glibc's HEAP_MAX_SIZE on 64-bit: 2 × DEFAULT_MMAP_THRESHOLD_MAX (32 MiB).</summary>
    public const ulong ArenaHeapSize = 64UL << 20;

    private const ulong MaxGuardSize = 64 * 1024;

    /// <param name="snapshot">The mappings.</param>
    /// <param name="pid">The process (its main thread's ID).</param>
    /// <param name="threads">Its threads and their stack pointers.</param>
    /// <param name="threadsReadable">False when the stack pointers could not be read.</param>
    /// <param name="java">The JVM's settings, when it is a JVM (libjvm.so is mapped).</param>
    /// <param name="readHeapHeaders">Reads glibc heap headers at the given addresses; null when not permitted.</param>
    public static MemoryLayout Classify(SmapsSnapshot snapshot, int pid, IReadOnlyList<ThreadStackPointer> threads, bool threadsReadable,
        JavaSettings? java, Func<IReadOnlyList<ulong>, GlibcHeapHeader[]?> readHeapHeaders)
    {
        var maps = snapshot.AsSpan();
        var layout = new MemoryLayout(maps.Length) { ThreadsReadable = threadsReadable };
        var names = threads.ToDictionary(t => t.ThreadId, t => t.Name);
        ClassifyByPath(snapshot, maps, layout, pid, names);
        ClassifyArenas(snapshot, maps, layout, readHeapHeaders);
        if (java is not null) ClassifyJava(snapshot, maps, layout, java);
        ClassifyStacks(snapshot, maps, layout, pid, threads, names);
        return layout;
    }

    private static void ClassifyByPath(SmapsSnapshot snapshot, ReadOnlySpan<RawMapping> maps, MemoryLayout layout, int pid, Dictionary<int, string> names)
    {
        for (int i = 0; i < maps.Length; i++)
        {
            ref readonly var m = ref maps[i];
            var path = snapshot.PathOf(m);
            MemoryKind kind;
            if (m.Hugetlb) kind = MemoryKind.HugePages;
            else if (path is null) kind = m.IsShared ? MemoryKind.SharedMemory : MemoryKind.Anonymous;
            else if (path == "[heap]")
            {
                kind = MemoryKind.MainHeap;
                layout.Details[i] = "brk heap: glibc's main arena";
            }
            else if (path == "[stack]")
            {
                kind = MemoryKind.ThreadStack;
                layout.ThreadIds[i] = pid;
                layout.Details[i] = StackOf(pid, names, main: true);
            }
            else if (path.StartsWith("[stack:", StringComparison.Ordinal) && int.TryParse(path.AsSpan(7, path.Length - 8), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
            {
                kind = MemoryKind.ThreadStack; // kernels before 4.5 named each thread's stack
                layout.ThreadIds[i] = tid;
                layout.Details[i] = StackOf(tid, names, main: false);
            }
            else if (path is "[vdso]" or "[vvar]" or "[vvar_vclock]" or "[vsyscall]" or "[uprobes]") kind = MemoryKind.Kernel;
            else if (IsSharedMemoryPath(path) || (m.IsShared && m.Inode == 0)) kind = MemoryKind.SharedMemory;
            else if (path.StartsWith("[anon:", StringComparison.Ordinal))
            {
                var name = path[6..^1].Trim();
                kind = MemoryKind.Anonymous;
                layout.Details[i] = name;
                if (name.StartsWith("glibc: pthread stack", StringComparison.Ordinal)) kind = MemoryKind.ThreadStack; // glibc.mem.decorate_maps (2.39)
            }
            else if (path.StartsWith('/') || m.Inode != 0) kind = MemoryKind.File;
            else kind = MemoryKind.Anonymous;
            layout.Kinds[i] = kind;
        }
    }

    private static bool IsSharedMemoryPath(string path) =>
        path.StartsWith("/dev/shm/", StringComparison.Ordinal) || path.StartsWith("/SYSV", StringComparison.Ordinal) ||
        path.StartsWith("/memfd:", StringComparison.Ordinal) || path.StartsWith("[anon_shmem", StringComparison.Ordinal) ||
        path.StartsWith("/dev/zero", StringComparison.Ordinal);

    /// <summary>Anonymous private memory, possibly named by prctl(PR_SET_VMA_ANON_NAME): what arenas, stacks and
    /// JVM regions are made of.</summary>
    private static bool IsPlainAnonymous(SmapsSnapshot snapshot, in RawMapping m, MemoryLayout layout, int i) =>
        !m.IsShared && m.Inode == 0 && layout.Kinds[i] == MemoryKind.Anonymous && (m.PathIndex < 0 || snapshot.PathOf(m)!.StartsWith("[anon:", StringComparison.Ordinal));

    private static void ClassifyArenas(SmapsSnapshot snapshot, ReadOnlySpan<RawMapping> maps, MemoryLayout layout, Func<IReadOnlyList<ulong>, GlibcHeapHeader[]?> readHeapHeaders)
    {
        // Candidates: the used part of a heap (rw-p at a 64 MiB boundary) and, unless the heap is fully used, the
        // ---p reservation that completes its 64 MiB.
        var used = new List<int>();
        var reserve = new List<int>();
        for (int i = 0; i < maps.Length; i++)
        {
            ref readonly var m = ref maps[i];
            if (m.Start % ArenaHeapSize != 0 || !m.Readable || !m.Writable || m.Executable || !IsPlainAnonymous(snapshot, m, layout, i)) continue;
            if (m.Size < ArenaHeapSize && i + 1 < maps.Length && maps[i + 1].Start == m.End && maps[i + 1].End == m.Start + ArenaHeapSize &&
                maps[i + 1].IsInaccessible && IsPlainAnonymous(snapshot, maps[i + 1], layout, i + 1))
            {
                used.Add(i);
                reserve.Add(i + 1);
            }
            else if (m.Size == ArenaHeapSize)
            {
                used.Add(i);
                reserve.Add(-1);
            }
        }
        if (used.Count == 0) return;

        var starts = new List<ulong>(used.Count);
        foreach (int i in used) starts.Add(maps[i].Start);
        var headers = readHeapHeaders(starts);
        layout.ArenasConfirmed = headers is not null;
        var arenaOf = new Dictionary<ulong, int>();
        var accepted = new List<(int Used, int Reserve, ulong Arena)>();
        for (int k = 0; k < used.Count; k++)
        {
            ref readonly var m = ref maps[used[k]];
            if (headers is not null)
            {
                var h = headers[k];
                // The accessible part of a heap is exactly mprotect_size; the arena pointer is never null.
                if (h.ArenaAddress == 0 || h.ProtectedSize != m.Size || h.Size > h.ProtectedSize) continue;
                accepted.Add((used[k], reserve[k], h.ArenaAddress));
            }
            else if (reserve[k] >= 0) accepted.Add((used[k], reserve[k], m.Start)); // the layout alone: one arena per heap
        }
        foreach (var arena in accepted.Select(a => a.Arena).Distinct().Order()) arenaOf[arena] = arenaOf.Count + 1;
        foreach (var (u, r, arena) in accepted)
        {
            int number = arenaOf[arena];
            ref readonly var m = ref maps[u];
            layout.Kinds[u] = MemoryKind.GlibcArena;
            layout.Arenas[u] = number;
            layout.Details[u] = $"arena {number} heap: accessible part";
            if (r >= 0)
            {
                layout.Kinds[r] = MemoryKind.GlibcArena;
                layout.Arenas[r] = number;
                layout.Details[r] = $"arena {number} heap: reserved rest";
            }
        }
        layout.ArenaCount = arenaOf.Count;
        layout.ArenaHeapCount = accepted.Count;
    }

    private static void ClassifyJava(SmapsSnapshot snapshot, ReadOnlySpan<RawMapping> maps, MemoryLayout layout, JavaSettings java)
    {
        layout.IsJvm = true;
        // The code cache: JIT code is the only anonymous executable memory of a JVM; each segment's committed part is
        // followed by its reservation.
        for (int i = 0; i < maps.Length; i++)
        {
            ref readonly var m = ref maps[i];
            if (m.Executable && IsPlainAnonymous(snapshot, m, layout, i))
            {
                layout.Kinds[i] = MemoryKind.CodeCache;
                layout.Details[i] = "JIT-compiled code";
            }
            else if (i > 0 && layout.Kinds[i - 1] == MemoryKind.CodeCache && maps[i - 1].End == m.Start && m.IsInaccessible && IsPlainAnonymous(snapshot, m, layout, i))
            {
                layout.Kinds[i] = MemoryKind.CodeCache;
                layout.Details[i] = "code cache reservation (-XX:ReservedCodeCacheSize)";
            }
        }

        if (java.MaxHeapBytes is not { } heap)
        {
            layout.JavaHeapNote = "The Java heap is not marked: the JVM was started without -Xmx or -XX:MaxHeapSize, so its size is not known here.";
            return;
        }
        // The heap is one reservation of exactly MaxHeapSize; committed parts, uncommitted parts and the archived heap
        // (a .jsa file mapping) follow each other without gaps.
        for (int i = 0; i < maps.Length; i++)
        {
            if (!IsPlainAnonymous(snapshot, maps[i], layout, i)) continue;
            int j = i;
            ulong size = maps[i].Size;
            while (size < (ulong)heap && j + 1 < maps.Length && maps[j + 1].Start == maps[j].End && IsHeapPart(snapshot, maps[j + 1], layout, j + 1))
            {
                j++;
                size = maps[j].End - maps[i].Start;
            }
            if (size != (ulong)heap) continue;
            for (int k = i; k <= j; k++)
            {
                layout.Kinds[k] = MemoryKind.JavaHeap;
                layout.Details[k] = $"Java heap ({java.MaxHeapSetting}: {ByteText((ulong)heap)} reserved)";
            }
            return;
        }
        layout.JavaHeapNote = $"No reservation of exactly {ByteText((ulong)heap)} ({java.MaxHeapSetting}) was found: the Java heap is not marked.";
    }

    private static bool IsHeapPart(SmapsSnapshot snapshot, in RawMapping m, MemoryLayout layout, int i) =>
        IsPlainAnonymous(snapshot, m, layout, i) || (snapshot.PathOf(m)?.EndsWith(".jsa", StringComparison.Ordinal) == true);

    private static void ClassifyStacks(SmapsSnapshot snapshot, ReadOnlySpan<RawMapping> maps, MemoryLayout layout, int pid,
        IReadOnlyList<ThreadStackPointer> threads, Dictionary<int, string> names)
    {
        var unplaced = new List<ThreadStackPointer>();
        foreach (var thread in threads)
        {
            int i = thread.StackPointer is { } sp ? Find(maps, sp) : -1;
            if (i < 0) { unplaced.Add(thread); continue; }
            if (layout.Kinds[i] == MemoryKind.ThreadStack && layout.ThreadIds[i] == thread.ThreadId) continue; // [stack] or [stack:TID]
            if (layout.Kinds[i] != MemoryKind.Anonymous && !(layout.Kinds[i] == MemoryKind.ThreadStack && layout.ThreadIds[i] == 0))
            {
                if (layout.Kinds[i] != MemoryKind.ThreadStack) unplaced.Add(thread); // a stack inside something else: leave that kind
                continue;
            }
            MarkStack(maps, layout, i, thread.ThreadId, StackOf(thread.ThreadId, names, thread.ThreadId == pid));
        }

        // Threads running on a CPU when read have no stack pointer. A stack is an anonymous rw-p mapping just above a
        // small ---p guard; when there are no more such mappings than threads left, they are those threads' stacks.
        if (unplaced.Count == 0) return;
        var candidates = new List<int>();
        for (int i = 1; i < maps.Length; i++)
        {
            ref readonly var m = ref maps[i];
            ref readonly var below = ref maps[i - 1];
            if (m.Readable && m.Writable && !m.Executable && m.Size >= MaxGuardSize && IsPlainAnonymous(snapshot, m, layout, i) &&
                below.End == m.Start && below.IsInaccessible && below.Size <= MaxGuardSize && IsPlainAnonymous(snapshot, below, layout, i - 1))
                candidates.Add(i);
        }
        if (candidates.Count == 0 || candidates.Count > unplaced.Count) return;
        foreach (int i in candidates)
        {
            if (candidates.Count == 1 && unplaced.Count == 1)
                MarkStack(maps, layout, i, unplaced[0].ThreadId, StackOf(unplaced[0].ThreadId, names, false) + " (running when read: placed as the only candidate left)");
            else
                MarkStack(maps, layout, i, 0, "thread stack of a thread that was running when read (" +
                    string.Join(", ", unplaced.Select(t => t.ThreadId.ToString(CultureInfo.InvariantCulture))) + "), or one glibc keeps for reuse");
        }
    }

    private static void MarkStack(ReadOnlySpan<RawMapping> maps, MemoryLayout layout, int i, int tid, string detail)
    {
        layout.Kinds[i] = MemoryKind.ThreadStack;
        layout.ThreadIds[i] = tid;
        layout.Details[i] = detail;
        if (i > 0 && maps[i - 1].End == maps[i].Start && maps[i - 1].IsInaccessible && maps[i - 1].Size <= MaxGuardSize &&
            layout.Kinds[i - 1] == MemoryKind.Anonymous && maps[i - 1].Inode == 0)
        {
            layout.Kinds[i - 1] = MemoryKind.Guard;
            layout.ThreadIds[i - 1] = tid;
            layout.Details[i - 1] = tid == 0 ? "guard page of a thread stack" : $"guard page of thread {tid.ToString(CultureInfo.InvariantCulture)}'s stack";
        }
    }

    private static string StackOf(int tid, Dictionary<int, string> names, bool main)
    {
        var text = "stack of thread " + tid.ToString(CultureInfo.InvariantCulture);
        if (names.TryGetValue(tid, out var name) && name.Length > 0) text += " (" + name + ")";
        return main ? text + ", the main thread" : text;
    }

    /// <summary>The mapping containing <paramref name="address"/>, or -1.</summary>
    internal static int Find(ReadOnlySpan<RawMapping> maps, ulong address)
    {
        int lo = 0, hi = maps.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < maps[mid].Start) hi = mid - 1;
            else if (address >= maps[mid].End) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    internal static string ByteText(ulong bytes) => CoreDumps.ByteSize.Format(bytes);
}
