namespace Diag.Linux.ProcessEvents;

/// <summary>Where a watch's events come from: the kernel's eBPF programs or the process connector.</summary>
internal interface IProcessEventSource : IDisposable
{
    ProcessEventSource Kind { get; }

    /// <summary>One sentence for the verbose stream: what is attached, and how the filters are evaluated.</summary>
    string Description { get; }

    /// <summary>Waits up to <paramref name="timeout"/> for events and appends them (none when the time ran out).
    /// Throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    void Poll(List<ProcessEvent> events, TimeSpan timeout, CancellationToken cancellation);

    /// <summary>Detaches: nothing happens in the kernel for this watch afterwards.</summary>
    void Stop();

    /// <summary>After <see cref="Stop"/>: what was still queued.</summary>
    void Drain(List<ProcessEvent> events);

    /// <summary>Events that never reached the watch, each cause said in a sentence; empty when none.</summary>
    IReadOnlyList<string> Losses();

    /// <summary>For a summary counted where the events happen: the tallies (null when the events themselves are counted).</summary>
    List<SummaryTally>? ReadSummary();
}
