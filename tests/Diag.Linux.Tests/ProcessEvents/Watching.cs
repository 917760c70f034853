using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>Runs a watch on another thread while the test's workload runs, then ends it (as Ctrl+C read as a key
/// does: the summary and tree are still written) and hands back everything it yielded.</summary>
internal static class Watching
{
    public static List<ProcessWatchItem> While(ProcessWatchOptions options, Action workload)
    {
        using var watch = ProcessWatch.Start(options);
        var items = new List<ProcessWatchItem>();
        using var started = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            foreach (var item in watch.Run())
            {
                lock (items)
                    items.Add(item);
                started.Set();
            }
        });
        try
        {
            // The watch is attached once Start returns; its reader runs once it said what it watches.
            started.Wait(TimeSpan.FromSeconds(30));
            workload();
        }
        finally
        {
            watch.RequestStop();
        }
        if (!reader.Wait(TimeSpan.FromSeconds(120)))
            throw new TimeoutException("the watch did not end after its stop request");
        return items;
    }

    /// <summary>A target started in exec-on-line mode: it prints READY with its pid, then runs the rest of its
    /// arguments when released, so a watch can start knowing the pid and before anything happens.</summary>
    public static TargetProcess Prepared(params string[] program) =>
        TargetProcess.Start(new[] { "exec-on-line" }.Concat(program).ToArray());

    /// <summary>Releases <paramref name="target"/> and waits for it to end.</summary>
    public static int RunToExit(TargetProcess target)
    {
        target.Release();
        return target.WaitForExit(TimeSpan.FromSeconds(120));
    }

    public static IEnumerable<ProcessEvent> Events(this IEnumerable<ProcessWatchItem> items) =>
        items.Where(i => i.Kind == ProcessWatchItemKind.Event).Select(i => i.Event!);

    public static IEnumerable<ProcessExecSummary> Rows(this IEnumerable<ProcessWatchItem> items) =>
        items.Where(i => i.Kind == ProcessWatchItemKind.Summary).Select(i => i.Summary!);

    public static IEnumerable<string> Warnings(this IEnumerable<ProcessWatchItem> items) =>
        items.Where(i => i.Kind == ProcessWatchItemKind.Warning).Select(i => i.Message!);
}
