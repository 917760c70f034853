using Diag.Linux.Memory;

namespace Diag.Linux.Tests.Memory;

/// <summary>Reading test targets' memory maps the way the cmdlet does.</summary>
internal static class MemoryTargets
{
    public static MemoryMapResult Read(int pid, bool threads = true, bool heapHeaders = true)
    {
        using var reader = new MemoryMapReader { ReadThreads = threads, ReadHeapHeaders = heapHeaders };
        var result = reader.Read(pid, "diag-test-target");
        Assert.True(result.Problem is null, result.Problem?.Message);
        return result;
    }

    public static ProcessMemorySummary Summary(MemoryMapResult result) => result.Summary()!.Value.Summary;

    public static MemoryKindTotal Kind(MemoryMapResult result, MemoryKind kind) => result.Summary()!.Value.Kinds.Single(k => k.KindValue == kind);
}
