namespace Diag.Linux.ProcessEvents;

/// <summary>
/// The filters of a watch evaluated here, on events: all of them for the process connector; for the kernel source
/// only what the kernel could not (names and paths with wildcards, the path of a script or a failed exec, which the
/// kernel knows by no file). The process connector's descendants of -ParentId are kept here from the forks seen
/// and the processes /proc shows at the start.
/// </summary>
internal sealed class ProcessEventFilter
{
    private readonly ProcessWatchOptions _options;
    private readonly bool _kernel;
    private readonly HashSet<int> _roots;
    private readonly HashSet<int> _descendants = new();
    private readonly HashSet<int> _users;
    private readonly List<(ProcessEventPattern Pattern, string? Full, string? Real)> _paths;

    public ProcessEventFilter(ProcessWatchOptions options, bool evaluatedInKernel)
    {
        _options = options;
        _kernel = evaluatedInKernel;
        _roots = options.ParentIds.ToHashSet();
        _users = options.UserIds.ToHashSet();
        _paths = options.Paths.Select(p => (p, p.IsLiteral ? Full(p.Text) : null, p.IsLiteral ? Real(p.Text) : null)).ToList();
        if (!_kernel && options.IncludeDescendants && _roots.Count > 0)
            _descendants.UnionWith(ProcessFamily.Descendants(_roots));
    }

    public bool Passes(ProcessEvent e)
    {
        if (!_kernel && _roots.Count > 0 && !ParentPasses(e))
            return false;
        if (!_kernel && _users.Count > 0 && !_users.Contains(e.UserId))
            return false;
        if (_options.Names.Count > 0 && !(_kernel && _options.Names.All(n => n.IsLiteral)) && !NamePasses(e))
            return false;
        if (_paths.Count > 0 && MustCheckPath(e) && !PathPasses(e))
            return false;
        return true;
    }

    private bool ParentPasses(ProcessEvent e)
    {
        if (!_options.IncludeDescendants)
            return _roots.Contains(e.ParentId);
        switch (e.EventKind)
        {
            case ProcessEventKind.Fork:
                if (!_roots.Contains(e.ParentId) && !_descendants.Contains(e.ParentId))
                    return false;
                _descendants.Add(e.ProcessId);
                return true;
            case ProcessEventKind.Exit:
                return _descendants.Remove(e.ProcessId); // gone: a reused id is not a descendant
            default:
                return _descendants.Contains(e.ProcessId);
        }
    }

    /// <summary>As Get-Process -Name: the comm, or for a comm cut at 15 characters the executable's file name.</summary>
    private bool NamePasses(ProcessEvent e)
    {
        var file = e.Name.Length >= 15 && e.Path is { } path ? System.IO.Path.GetFileName(path) : null;
        return _options.Names.Any(n => n.IsMatch(e.Name) || (file is not null && n.IsMatch(file))
            || (n.IsLiteral && n.Text.Length > 15 && e.Name.Length == 15 && n.Text.StartsWith(e.Name, StringComparison.Ordinal) && file is null));
    }

    /// <summary>The kernel matched literal paths by file; it could not for a script or a failed exec, nor for wildcards.</summary>
    private bool MustCheckPath(ProcessEvent e) =>
        !_kernel || _paths.Any(p => !p.Pattern.IsLiteral) || e.EventKind == ProcessEventKind.Exec && (e.Interpreter is not null || e.Error is not null);

    private bool PathPasses(ProcessEvent e)
    {
        var candidate = e.Path;
        if (candidate is null)
            return false;
        foreach (var (pattern, full, real) in _paths)
        {
            if (pattern.IsLiteral ? candidate == full || candidate == real : pattern.IsMatch(candidate))
                return true;
        }
        return false;
    }

    private static string? Full(string path)
    {
        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    private static string? Real(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Full(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Full(path);
        }
    }
}
