using Diag.Linux.Threads;

namespace Diag.Linux.Tests.Threads;

/// <summary>Shortcuts the thread tests share.</summary>
internal static class ThreadSampling
{
    public static ThreadCpuBatch SampleOnce(ThreadSelection selection, double intervalSeconds = 0.5, string rootPath = "/")
    {
        using var sampler = new ThreadCpuSampler(selection, rootPath);
        return sampler.Sample(TimeSpan.FromSeconds(intervalSeconds), 1).Single();
    }

    public static ThreadCpuBatch SampleProcess(int pid, double intervalSeconds = 0.5) =>
        SampleOnce(ThreadSelection.ForProcessIds(new[] { pid }), intervalSeconds);

    public static ThreadCpuSample Thread(this ThreadCpuBatch batch, int tid) =>
        batch.Samples.Single(s => s.ThreadId == tid);
}
