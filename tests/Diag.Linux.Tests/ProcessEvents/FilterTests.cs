using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>-Name, -UserName, -Path and -ParentId: literal ones in the kernel, wildcards here, the same result.</summary>
public sealed class FilterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory($"diag-filter-{Environment.ProcessId}-").FullName;
    private readonly string _copy;

    public FilterTests()
    {
        _copy = Path.Combine(_directory, $"dtt-{Environment.ProcessId % 100000}");
        File.Copy(TargetProcess.ExecutablePath, _copy);
        File.SetUnixFileMode(_copy, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ProcessEventPattern Literal(string text) => new(text, true, s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase));

    private static ProcessEventPattern Wildcard(string text, Func<string, bool> match) => new(text, false, match);

    /// <summary>Two children that exit 7 and three that exec the copy (named after it) which exits 0.</summary>
    private List<ProcessEvent> Watch(ProcessWatchOptions options)
    {
        using var target = Watching.Prepared(TargetProcess.ExecutablePath, "lifecycle", "2", "3", "0", _copy, "exit", "0");
        var items = Watching.While(new ProcessWatchOptions
        {
            ParentIds = [target.ReadyPid], Names = options.Names, Paths = options.Paths, UserIds = options.UserIds, Source = options.Source,
        }, () => Assert.Equal(0, Watching.RunToExit(target)));
        Assert.Empty(items.Warnings());
        return items.Events().ToList();
    }

    [RootFact]
    public void ALiteralNameIsMatchedInTheKernelAndAWildcardHereWithTheSameResult()
    {
        var name = Path.GetFileName(_copy);
        var literal = Watch(new ProcessWatchOptions { Names = [Literal(name.ToUpperInvariant())] }); // any case, as Get-Process -Name
        var wildcard = Watch(new ProcessWatchOptions { Names = [Wildcard("dtt-*", s => s.StartsWith("dtt-", StringComparison.Ordinal))] });
        foreach (var events in new[] { literal, wildcard })
        {
            // After the exec the process is named after the copy: its exec and exit, not the forks (still the parent's name).
            Assert.Equal(3, events.Count(e => e.EventKind == ProcessEventKind.Exec));
            Assert.Equal(3, events.Count(e => e.EventKind == ProcessEventKind.Exit && e.ExitCode == 0));
            Assert.Equal(6, events.Count);
            Assert.All(events, e => Assert.Equal(name, e.Name));
        }
    }

    [RootFact]
    public void ALiteralPathIsMatchedByFileInTheKernelAndAWildcardHere()
    {
        var literal = Watch(new ProcessWatchOptions { Paths = [Literal(_copy)] });
        var wildcard = Watch(new ProcessWatchOptions { Paths = [Wildcard("*/dtt-*", s => Path.GetFileName(s).StartsWith("dtt-", StringComparison.Ordinal))] });
        foreach (var events in new[] { literal, wildcard })
        {
            Assert.Equal(6, events.Count);
            Assert.All(events, e => Assert.Equal(_copy, e.Path));
        }
    }

    [RootTheory]
    [InlineData(ProcessEventSourceChoice.Kernel)]
    [InlineData(ProcessEventSourceChoice.ProcessConnector)]
    public void AUserFilterKeepsOnlyThatUsersProcesses(ProcessEventSourceChoice source)
    {
        using var asNobody = Watching.Prepared(TargetProcess.ExecutablePath, "as-user", "65534", "lifecycle", "2", "0", "0", "none");
        using var asRoot = Watching.Prepared(TargetProcess.ExecutablePath, "lifecycle", "3", "0", "0", "none");
        var items = Watching.While(new ProcessWatchOptions { ParentIds = [asNobody.ReadyPid, asRoot.ReadyPid], UserIds = [65534], Source = source }, () =>
        {
            Assert.Equal(0, Watching.RunToExit(asNobody));
            Assert.Equal(0, Watching.RunToExit(asRoot));
        });
        var events = items.Events().ToList();
        Assert.Equal(2, events.Count(e => e.EventKind == ProcessEventKind.Fork));
        Assert.Equal(2, events.Count(e => e.EventKind == ProcessEventKind.Exit));
        Assert.All(events, e =>
        {
            Assert.Equal(asNobody.ReadyPid, e.ParentId);
            Assert.Equal(65534, e.UserId);
        });
        if (source == ProcessEventSourceChoice.Kernel)
            Assert.All(events, e => Assert.Equal("nobody", e.UserName));
    }

    [RootTheory]
    [InlineData(ProcessEventSourceChoice.Kernel)]
    [InlineData(ProcessEventSourceChoice.ProcessConnector)]
    public void ChildrenOrEveryDescendant(ProcessEventSourceChoice source)
    {
        // supervise 2 forkloop 5: two children of the supervisor, each the first of a chain of five more.
        List<ProcessEvent> Run(bool descendants)
        {
            using var supervisor = Watching.Prepared(TargetProcess.ExecutablePath, "supervise", "2", TargetProcess.ExecutablePath, "forkloop", "5");
            var items = Watching.While(new ProcessWatchOptions { ParentIds = [supervisor.ReadyPid], IncludeDescendants = descendants, Source = source },
                () => Assert.Equal(0, Watching.RunToExit(supervisor)));
            return items.Events().ToList();
        }

        var children = Run(descendants: false);
        var all = Run(descendants: true);
        // Children: the supervisor's two forks and execs, and the exits of every process whose parent is then the
        // supervisor (its own children, and the orphans it adopted as a subreaper).
        Assert.Equal(2, children.Count(e => e.EventKind == ProcessEventKind.Fork));
        Assert.Equal(2, children.Count(e => e.EventKind == ProcessEventKind.Exec));
        Assert.All(children, e => Assert.True(e.EventKind == ProcessEventKind.Exit || e.ParentId != 0));
        // Descendants: every fork of the chains too, and every exit.
        Assert.Equal(2 + 2 * 5, all.Count(e => e.EventKind == ProcessEventKind.Fork));
        Assert.Equal(2, all.Count(e => e.EventKind == ProcessEventKind.Exec));
        Assert.Equal(2 * 6, all.Count(e => e.EventKind == ProcessEventKind.Exit));
    }
}
