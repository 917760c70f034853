using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Packages.Origins;

namespace Diag.Commands;

/// <summary>
/// Get-FileOrigin: which package a file comes from and whether it is still what the package installed (dpkg -S,
/// rpm -qf, debsums), where it stands on PATH (which -a), and for a process, the program it really runs
/// (/proc/PID/exe, deleted or in memory too). The first position is a path, as for dpkg -S; processes come by
/// -Name, -Id or from Get-Process; -Command looks a name up on PATH.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FileOrigin", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileOrigin))]
public sealed class GetFileOriginCommand : ProcessCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath", CommandSet = "Command";
    private FileOriginLookup? _lookup;

    /// <summary>Files to look up; wildcards allowed. Binds Get-Command's output from the pipeline: a program by its Path,
    /// an alias by the program it stands for; a cmdlet or function is refused by name.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [CommandPath]
    public string[] Path { get; set; } = [];

    /// <summary>Files to look up, taken literally; binds Get-Item and Get-ChildItem output (PSPath, FullName).</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Command names: every executable of that name on PATH, in PATH order, and which one a shell runs.</summary>
    [Parameter(ParameterSetName = CommandSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] Command { get; set; } = [];

    protected override void ProcessRecord()
    {
        CollectProcesses();
        switch (ParameterSetName)
        {
            case PathSet:
                foreach (var p in Path) LookUpPath(p, literal: false);
                break;
            case LiteralPathSet:
                foreach (var p in LiteralPath) LookUpPath(p, literal: true);
                break;
            case CommandSet:
                foreach (var name in Command)
                {
                    var found = Lookup().ForCommand(name);
                    if (found.Count == 0) WriteDiagError(FileOriginErrors.CommandNotFound(name, Environment.GetEnvironmentVariable("PATH") ?? ""));
                    WriteObject(found, enumerateCollection: true);
                }
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (!SelectsProcesses) return;
        foreach (int pid in ResolveProcesses())
        {
            if (StopToken.IsCancellationRequested) return;
            var (origin, problem) = Lookup().ForProcess(pid);
            if (origin is not null)
            {
                WriteObject(origin);
                continue;
            }
            switch (problem!.Kind)
            {
                case FileOriginProblemKind.ProcessAccessDenied: WriteDiagError(FileOriginErrors.ProcessAccessDenied(pid, problem.Message)); break;
                case FileOriginProblemKind.NoProgram: WriteDiagError(FileOriginErrors.NoProgram(pid, problem.Message)); break;
                default:
                    if (!SkipIfExitedSinceNameMatch(pid, "its program was read")) WriteDiagError(ProcessErrors.ProcessNotFound(pid));
                    break;
            }
        }
    }

    private void LookUpPath(string path, bool literal)
    {
        if (!literal && WildcardPattern.ContainsWildcardCharacters(path))
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException)
            {
                WriteDiagError(FileOriginErrors.WildcardMatchedNothing(path));
                return;
            }
            if (!IsFileSystem(provider, path)) return;
            if (resolved.Count == 0) WriteDiagError(FileOriginErrors.WildcardMatchedNothing(path));
            foreach (var file in resolved) Write(file);
            return;
        }
        // A literal path may be missing from disk: a packaged file that was deleted is exactly what to report.
        string full;
        try
        {
            full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (!IsFileSystem(provider, path)) return;
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            WriteDiagError(FileOriginErrors.PathNotFound(path, path));
            return;
        }
        Write(full, path);
    }

    private void Write(string file, string? given = null)
    {
        var origin = Lookup().ForPath(file);
        if (origin is null) WriteDiagError(FileOriginErrors.PathNotFound(file, given));
        else WriteObject(origin);
    }

    private bool IsFileSystem(ProviderInfo provider, string path)
    {
        if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return true;
        WriteDiagError(FileOriginErrors.NotAFileSystemPath(path, provider.Name));
        return false;
    }

    /// <summary>The lookup, made on first use: the session's package index (built once, then reused by every later
    /// call while the databases are unchanged) and this session's PATH.</summary>
    private FileOriginLookup Lookup()
    {
        if (_lookup is not null) return _lookup;
        _lookup = new FileOriginLookup(Environment.GetEnvironmentVariable("PATH"), SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        WriteVerbose(_lookup.IndexBuildTime > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"Indexed {_lookup.PathCount} paths of {_lookup.PackageCount} packages in {_lookup.IndexBuildTime.TotalMilliseconds:F0} ms; later calls in this session reuse the index.")
            : string.Create(CultureInfo.InvariantCulture, $"Using this session's index of {_lookup.PathCount} paths of {_lookup.PackageCount} packages."));
        foreach (var problem in _lookup.Problems) WriteWarning(problem);
        if (_lookup.NoDatabase)
            WriteWarning("No package database was found (dpkg's /var/lib/dpkg, or RPM's /var/lib/rpm/rpmdb.sqlite): every file reads as owned by no package.");
        return _lookup;
    }
}
