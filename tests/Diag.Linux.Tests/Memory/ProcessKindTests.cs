using System.Diagnostics;
using Diag.Linux.Memory;

namespace Diag.Linux.Tests.Memory;

/// <summary>Processes that are not plain C programs, and processes that have no memory to map.</summary>
public sealed class ProcessKindTests
{
    [Fact]
    public void AJvmHasItsJavaHeapOfExactlyXmxAndItsCodeCache()
    {
        var dir = Directory.CreateTempSubdirectory("diag-jvm-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Idle.java"),
                "public class Idle { public static void main(String[] a) throws Exception { System.out.println(\"READY \" + ProcessHandle.current().pid()); System.out.flush(); while (System.in.read() >= 0) { } } }");
            var info = new ProcessStartInfo("java") { WorkingDirectory = dir.FullName };
            foreach (var a in new[] { "-Xmx256m", "-XX:ReservedCodeCacheSize=64m", "Idle.java" }) info.ArgumentList.Add(a);
            using var jvm = TargetProcess.Start(info);
            var result = MemoryTargets.Read(jvm.Pid);
            var regions = result.Regions();

            var heap = regions.Where(r => r.KindValue == MemoryKind.JavaHeap).ToList();
            Assert.NotEmpty(heap);
            Assert.Equal(256L << 20, (long)(heap.Max(r => r.EndAddress) - heap.Min(r => r.StartAddress)));
            Assert.All(heap, r => Assert.Contains("-Xmx256m", r.Detail));
            var code = regions.Where(r => r.KindValue == MemoryKind.CodeCache).ToList();
            Assert.Contains(code, r => r.Permissions == "rwxp");
            Assert.Equal(64L << 20, code.Sum(r => r.SizeBytes));
            Assert.Contains(regions, r => r.KindValue == MemoryKind.GlibcArena); // the JIT compiler threads' arenas
            Assert.Equal(MemoryAllocator.Glibc, MemoryTargets.Summary(result).AllocatorValue);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AZombieIsSaidToBeOneWithItsParent()
    {
        using var target = TargetProcess.Start("zombie");
        int zombie = target.Threads["zombie"];
        using var reader = new MemoryMapReader();

        var result = reader.Read(zombie, "diag-test-target");

        Assert.Equal(MemoryMapProblemKind.NoUserMemory, result.Problem!.Kind);
        Assert.Contains("zombie", result.Problem.Message);
        Assert.Contains($"parent ({target.Pid})", result.Problem.Message);
        Assert.Empty(result.Regions());
    }

    [Fact]
    public void AProcessThatIsGoneIsAProblemNotAnException()
    {
        var target = TargetProcess.Start("sleep");
        int pid = target.Pid;
        target.Dispose();
        using var reader = new MemoryMapReader();

        Assert.Equal(MemoryMapProblemKind.Exited, reader.Read(pid, "diag-test-target").Problem!.Kind);
    }

    [Fact]
    public void TenThousandMappingsAreReadOneForOne()
    {
        using var target = TargetProcess.Start("mappings", "10000");
        var lines = File.ReadAllLines($"/proc/{target.Pid}/maps").Length;
        var result = MemoryTargets.Read(target.Pid);

        Assert.True(lines > 10_000);
        Assert.Equal(lines, result.Regions().Count);
        Assert.Equal(lines, MemoryTargets.Summary(result).MappingCount);
        var anonymous = MemoryTargets.Kind(result, MemoryKind.Anonymous);
        Assert.True(anonymous.Count >= 10_000);
    }
}
