namespace Diag.Linux.ProcFs;

/// <summary>
/// Process names to match, as Get-Process -Name matches them: a process matches a pattern when its comm does,
/// or, for a comm cut at 15 characters, when its untruncated executable name does. The one place every
/// selection by name (Get-ThreadCpu's sampler, Get-PipePeer's scan, the cmdlets that list PIDs) matches names.
/// The predicates come from the caller (the cmdlets pass PowerShell's WildcardPattern.IsMatch).
/// </summary>
public sealed class ProcessNamePatterns
{
    private readonly Func<string, bool>[] _patterns;

    public ProcessNamePatterns(IEnumerable<Func<string, bool>> patterns) => _patterns = patterns.ToArray();

    /// <summary>How many patterns there are; the indexes of matched and unmatched patterns refer to them.</summary>
    public int Count => _patterns.Length;

    /// <summary>Whether process <paramref name="pid"/> matches any pattern. Marks each pattern it matches in
    /// <paramref name="matched"/> (when given) and returns the name Get-Process shows; false when the process does
    /// not match or is gone.</summary>
    internal bool Match(ProcFileReader reader, Interop.SafeFileDescriptor procFd, int pid, bool[]? matched, out string name)
    {
        name = "";
        if (!ProcessNameResolver.TryResolve(reader, procFd, pid, out var comm, out var untruncated)) return false;
        return Match(comm, untruncated, matched, out name);
    }

    /// <summary>As <see cref="Match(ProcFileReader, Interop.SafeFileDescriptor, int, bool[], out string)"/> for a
    /// process whose comm (and, when it is cut at 15 characters, untruncated name) the caller already has.</summary>
    internal bool Match(string comm, string? untruncated, bool[]? matched, out string name)
    {
        name = "";
        var any = false;
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (!_patterns[i](comm) && (untruncated is null || !_patterns[i](untruncated))) continue;
            any = true;
            if (matched is null) break;
            matched[i] = true;
        }
        if (any) name = untruncated ?? comm;
        return any;
    }

    /// <summary>The indexes of the patterns <paramref name="matched"/> does not mark.</summary>
    public static int[] Unmatched(bool[]? matched) =>
        matched is null ? [] : Enumerable.Range(0, matched.Length).Where(i => !matched[i]).ToArray();
}
