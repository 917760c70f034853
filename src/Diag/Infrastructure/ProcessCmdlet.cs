using System.Diagnostics;
using System.Management.Automation;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// Base of every cmdlet that takes processes: owns <c>-Name</c> (first position, wildcards, as Get-Process),
/// <c>-Id</c> (by property name from any object with a ProcessId, validated, completed) and <c>-InputObject</c>
/// (Get-Process output), collects them over the pipeline, and turns them into one engine
/// <see cref="ProcessSelection"/>. It also owns the errors every such cmdlet gives alike: a PID that does not
/// exist, a name without wildcards that matches nothing, and the silent (verbose) skip of a process that matched
/// -Name and exited before it was read, which Get-Process would no longer list either.
/// </summary>
public abstract class ProcessCmdlet : DiagCmdlet
{
    protected const string NameSet = "Name", IdSet = "Id", InputObjectSet = "InputObject";

    private readonly List<int> _processIds = new();
    private HashSet<int>? _foundByName;

    /// <summary>Process names; wildcards allowed, matched as Get-Process does (the comm, or the untruncated
    /// executable name when the comm is cut at 15 characters).</summary>
    [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Process IDs; bind by property name from any object with a ProcessId (Get-ThreadCpu, Get-PipePeer…).</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "Pid")]
    [ValidateRange(1, int.MaxValue)]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] Id { get; set; } = [];

    /// <summary>Processes from Get-Process.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    public Process[] InputObject { get; set; } = [];

    /// <summary>True when processes were chosen by -Name, -Id or -InputObject (not by another parameter set).</summary>
    protected bool SelectsProcesses => ParameterSetName is NameSet or IdSet or InputObjectSet;

    /// <summary>What a cmdlet does without a process, appended to the "not found" errors when worth saying.</summary>
    protected virtual string? WithoutProcessAlternative => null;

    /// <summary>Collects -Id and -InputObject input; cmdlets that override ProcessRecord call this first.</summary>
    protected override void ProcessRecord() => CollectProcesses();

    /// <summary>Adds this pipeline input's processes to the selection.</summary>
    protected void CollectProcesses()
    {
        if (ParameterSetName == IdSet) _processIds.AddRange(Id);
        else if (ParameterSetName == InputObjectSet) _processIds.AddRange(InputObject.Where(p => p is not null).Select(p => p.Id));
    }

    /// <summary>The processes chosen, for an engine that walks /proc itself (Get-ThreadCpu, Get-PipePeer): null when the
    /// parameter set is not a process one, or when -Id and -InputObject received nothing.</summary>
    protected ProcessSelection? ProcessSelection()
    {
        return ParameterSetName switch
        {
            NameSet => Linux.ProcFs.ProcessSelection.ForNames(Name.Select(MatcherOf)),
            IdSet or InputObjectSet when _processIds.Count > 0 => Linux.ProcFs.ProcessSelection.ForIds(_processIds),
            _ => null,
        };
    }

    /// <summary>The processes chosen, resolved now: a "not found" error for each PID that does not exist and each
    /// name without wildcards that matched nothing. With -Name, this session's own process is left out when a wildcard
    /// matched it (a pattern is not a request to inspect pwsh itself). Terminates when /proc cannot be read.</summary>
    protected IReadOnlyList<int> ResolveProcesses()
    {
        var selection = ProcessSelection();
        if (selection is null) return [];
        ResolvedProcesses resolved;
        try
        {
            resolved = selection.Resolve();
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return [];
        }
        WriteNotFound(resolved.MissingProcessIds, resolved.UnmatchedNamePatterns);
        if (ParameterSetName != NameSet) return resolved.ProcessIds;
        var wildcard = Name.Any(WildcardPattern.ContainsWildcardCharacters);
        _foundByName = resolved.ProcessIds.Where(p => p != Environment.ProcessId || !wildcard).ToHashSet();
        return resolved.ProcessIds.Where(_foundByName.Contains).ToArray();
    }

    /// <summary>Writes the "not found" errors an engine reported: PIDs that do not exist, and name patterns (indexes
    /// into -Name) that matched nothing — an error only for a name without wildcards, as for Get-Process.</summary>
    protected void WriteNotFound(IEnumerable<int> missingProcessIds, IEnumerable<int> unmatchedNamePatterns)
    {
        foreach (var pid in missingProcessIds) WriteDiagError(ProcessErrors.ProcessNotFound(pid, WithoutProcessAlternative));
        foreach (var index in unmatchedNamePatterns)
            if (!WildcardPattern.ContainsWildcardCharacters(Name[index])) WriteDiagError(ProcessErrors.NoProcessForName(Name[index], WithoutProcessAlternative));
    }

    /// <summary>True (and a verbose line) when <paramref name="pid"/> matched -Name and has exited since: not an error,
    /// as Get-Process would no longer list it. A process given by ID that is gone stays an error.</summary>
    protected bool SkipIfExitedSinceNameMatch(int pid, string what)
    {
        if (_foundByName?.Contains(pid) != true) return false;
        WriteVerbose($"Skipped process {pid}: it matched -Name but exited before {what}.");
        return true;
    }

    private static Func<string, bool> MatcherOf(string name) => WildcardPattern.Get(name, WildcardOptions.IgnoreCase).IsMatch;
}
