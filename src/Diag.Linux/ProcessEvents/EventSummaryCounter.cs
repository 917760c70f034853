namespace Diag.Linux.ProcessEvents;

/// <summary>
/// The summary counted from events, for the process connector (whose events cannot be counted in the kernel): the
/// same rows as the kernel's, per parent (name and program) and process (name and program).
/// </summary>
internal sealed class EventSummaryCounter
{
    private readonly Dictionary<(string, string?, string, string?), SummaryTally> _tallies = new();
    private readonly Dictionary<int, string?> _programs = new();
    private readonly TimeSpan _shortLifetime;

    public EventSummaryCounter(TimeSpan shortLifetime) => _shortLifetime = shortLifetime;

    public void Add(ProcessEvent e)
    {
        if (e.Path is not null && e.Error is null)
            _programs[e.ProcessId] = e.Path;
        var parentPath = ProgramOf(e.ParentId);
        var key = (e.ParentName, parentPath, e.Name, e.Path);
        if (!_tallies.TryGetValue(key, out var tally))
            _tallies[key] = tally = new SummaryTally { ParentName = e.ParentName, ParentPath = parentPath, Name = e.Name, Path = e.Path };
        var ticks = e.Timestamp.Ticks;
        if (ticks >= tally.LastTime)
        {
            tally.LastTime = ticks;
            tally.ProcessId = e.ProcessId;
            tally.ParentId = e.ParentId;
        }
        switch (e.EventKind)
        {
            case ProcessEventKind.Fork:
                tally.Forks++;
                break;
            case ProcessEventKind.Exec when e.Error is not null:
                tally.FailedExecs++;
                break;
            case ProcessEventKind.Exec:
                tally.Execs++;
                break;
            case ProcessEventKind.Exit:
                tally.Exits++;
                if (e.Lifetime is { } lifetime)
                {
                    tally.LifetimeTicks += lifetime.Ticks;
                    if (lifetime < _shortLifetime)
                        tally.ShortLived++;
                }
                _programs.Remove(e.ProcessId);
                break;
        }
    }

    public IEnumerable<SummaryTally> Tallies => _tallies.Values;

    private string? ProgramOf(int pid)
    {
        if (pid <= 0)
            return null;
        if (!_programs.TryGetValue(pid, out var program))
        {
            try
            {
                program = new FileInfo("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/exe").LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                program = null;
            }
            _programs[pid] = program;
        }
        return program;
    }
}
