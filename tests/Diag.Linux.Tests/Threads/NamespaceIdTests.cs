using System.Diagnostics;

namespace Diag.Linux.Tests.Threads;

/// <summary>The seed-000 container case: host IDs differ from the IDs inside the PID namespace.</summary>
public sealed class NamespaceIdTests
{
    [RootFact]
    public void TargetInANewPidNamespaceShowsItsInnerIds()
    {
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--pid", "--fork", TargetProcess.ExecutablePath, "threads", "2", "0" }) info.ArgumentList.Add(a);
        using var unshare = Process.Start(info)!;
        try
        {
            var innerThreads = new Dictionary<string, int>();
            string? line;
            while ((line = ReadLine(unshare)) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
                if (line.StartsWith("THREAD ", StringComparison.Ordinal)) innerThreads[line.Split(' ')[1]] = int.Parse(line.Split(' ')[2]);
            if (line is null)
            {
                string error = unshare.StandardError.ReadToEnd();
                Assert.Fail($"unshare --pid failed as root: {error}");
            }
            Assert.Equal("READY 1", line); // the target is PID 1 of its namespace

            int hostPid = int.Parse(File.ReadAllText($"/proc/{unshare.Id}/task/{unshare.Id}/children").Trim().Split(' ')[0]);
            var batch = ThreadSampling.SampleProcess(hostPid, 0.2);

            Assert.Equal(3, batch.Samples.Count);
            foreach (var s in batch.Samples)
            {
                Assert.Equal(hostPid, s.ProcessId);
                Assert.Equal(1, s.NamespaceProcessId);
                Assert.NotEqual(s.ThreadId, s.NamespaceThreadId);
            }
            Assert.Equal(1, batch.Thread(hostPid).NamespaceThreadId);
            var futex = batch.Samples.Single(s => s.ThreadName == "futex-0");
            Assert.Equal(innerThreads["futex-0"], futex.NamespaceThreadId);
        }
        finally
        {
            unshare.StandardInput.Close(); // the target exits on EOF, then unshare
            if (!unshare.WaitForExit(5000)) unshare.Kill(entireProcessTree: true);
        }
    }

    private static string? ReadLine(Process p)
    {
        var read = p.StandardOutput.ReadLineAsync();
        return read.Wait(TimeSpan.FromSeconds(30)) ? read.Result : null;
    }
}
