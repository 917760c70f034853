using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>The host's SIGCHLD handler is kept; only stop notifications are muted, and only while tracing.</summary>
public sealed unsafe class HostSignalDispositionTests
{
    [Fact]
    public void StopNotificationsAreMutedDuringATraceAndRestoredAfter()
    {
        using (Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!) { } // .NET installs its SIGCHLD handler
        var before = Current();
        Assert.True(before.Handler is not (0 or 1), "the runtime handles SIGCHLD once Process was used");
        Assert.Equal(0, before.Flags & Libc.SA_NOCLDSTOP);

        using var target = SpawnedTarget.Start("progress");
        using (var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions()))
        {
            var during = Current();
            Assert.Equal(before.Handler, during.Handler);
            Assert.Equal(Libc.SA_NOCLDSTOP, during.Flags & Libc.SA_NOCLDSTOP);
            session.Stop();
            Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        }
        var after = Current();
        Assert.Equal(before.Handler, after.Handler);
        Assert.Equal(before.Flags, after.Flags);
    }

    [Fact]
    public void LaunchesUnderAllocationPressureNeverHang()
    {
        // The launched child runs only the clone trampoline's raw syscalls: a GC suspension or a runtime
        // lock held by another thread at the moment of the clone cannot block it.
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                keep.Add(new byte[64 * 1024]);
                if (keep.Count > 200)
                    keep.Clear();
            }
        });
        try
        {
            for (var i = 0; i < 40; i++)
            {
                using var session = PtraceSyscallTracer.Start(TraceTestSupport.LaunchTarget("getppid", "10", "0"), new TraceOptions());
                Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)), $"launch {i} hung");
                Assert.Equal(10, TraceTestSupport.Row(session.Completion.Result, "getppid")!.Calls);
            }
        }
        finally
        {
            stop.Cancel();
            churn.Wait();
        }
    }

    private static Libc.SigAction Current()
    {
        Libc.SigAction action;
        Assert.Equal(0, Libc.SigActionCall(Libc.SIGCHLD, null, &action));
        return action;
    }
}
