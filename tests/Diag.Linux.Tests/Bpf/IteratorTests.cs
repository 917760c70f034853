using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using static Diag.Linux.Tests.Bpf.BpfTestPrograms;

namespace Diag.Linux.Tests.Bpf;

/// <summary>BPF iterators walk the kernel's tasks and open files in one read: the passes contain this
/// process, its threads and the files it holds, as /proc says.</summary>
public sealed class IteratorTests
{
    [Fact]
    public void ATaskPassHoldsEveryTaskWithThisThreadAmongThem()
    {
        using var program = BpfProgram.LoadTracing("diag_test_tasks", TaskIds(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task"));
        using var link = IteratorLink.Attach(program, "task");
        Assert.Equal("iter/task", link.Target);
        var tasks = Pairs(link.ReadPass());
        Assert.Contains((Libc.GetTid(), Environment.ProcessId), tasks);
        Assert.True(tasks.Count >= Directory.GetDirectories("/proc/self/task").Length);

        // Passes are independent: a second one walks again from the start.
        Assert.Contains((Environment.ProcessId, Environment.ProcessId), Pairs(link.ReadPass()));
    }

    [Fact]
    public void ATaskPassOfOneProcessHoldsItsThreadsOnly()
    {
        using var program = BpfProgram.LoadTracing("diag_test_tasks", TaskIds(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task"));
        using var link = IteratorLink.Attach(program, "task", Environment.ProcessId);
        var tasks = Pairs(link.ReadPass());
        Assert.All(tasks, t => Assert.Equal(Environment.ProcessId, t.Second));
        var threads = Directory.GetDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Contains(Libc.GetTid(), tasks.Select(t => t.First));
        Assert.True(tasks.Select(t => t.First).ToHashSet().Overlaps(threads));
    }

    [Fact]
    public void ATaskFilePassFindsAFileThisProcessHolds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"diag-iter-{Environment.ProcessId}");
        using var file = File.Open(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var fd = (int)file.SafeFileHandle.DangerousGetHandle();
            using var program = BpfProgram.LoadTracing("diag_test_files", TaskFiles(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task_file"));
            using var link = IteratorLink.Attach(program, "task_file", Environment.ProcessId);
            var files = Pairs(link.ReadPass());
            Assert.All(files, f => Assert.Equal(Environment.ProcessId, f.First));
            Assert.Contains((Environment.ProcessId, fd), files);
            Assert.Contains((Environment.ProcessId, 0), files); // stdin
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SeqPrintfWritesLinesWithAFormatFromReadOnlyData()
    {
        var (format, length) = FormatMap("%u %u %s\n");
        using (format)
        {
            using var program = BpfProgram.LoadTracing("diag_test_lines", TaskLines(format, length), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task"));
            using var link = IteratorLink.Attach(program, "task", Environment.ProcessId);
            var lines = Encoding.ASCII.GetString(link.ReadPass()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var tid = Libc.GetTid();
            var comm = File.ReadAllText($"/proc/self/task/{tid}/comm").TrimEnd('\n');
            Assert.Contains($"{tid} {Environment.ProcessId} {comm}", lines);
        }
    }

    [Fact]
    public void APassCanBeReadInSmallPiecesAndEndsWithZero()
    {
        using var program = BpfProgram.LoadTracing("diag_test_tasks", TaskIds(), BpfAttachType.TraceIterator, FunctionId("bpf_iter_task"));
        using var link = IteratorLink.Attach(program, "task", Environment.ProcessId);
        using var reader = link.OpenPass();
        var buffer = new byte[8];
        var total = new List<byte>();
        int n;
        while ((n = reader.Read(buffer)) > 0)
            total.AddRange(buffer.AsSpan(0, n).ToArray());
        Assert.Equal(0, reader.Read(buffer));
        Assert.Contains((Libc.GetTid(), Environment.ProcessId), Pairs(total.ToArray()));
    }

    /// <summary>The u32 pairs of a pass.</summary>
    private static List<(int First, int Second)> Pairs(byte[] pass)
    {
        Assert.Equal(0, pass.Length % 8);
        var pairs = new List<(int, int)>();
        for (var i = 0; i < pass.Length; i += 8)
            pairs.Add((BinaryPrimitives.ReadInt32LittleEndian(pass.AsSpan(i)), BinaryPrimitives.ReadInt32LittleEndian(pass.AsSpan(i + 4))));
        return pairs;
    }
}
