using System.Collections.ObjectModel;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Privileges;

namespace Diag.Commands;

/// <summary>
/// Get-FileCapability: the capabilities program files grant at exec (getcap, getcap -r), decoded from their
/// security.capability attribute: getcap's text and each capability with its flags, revision 3's namespace root id
/// too. Writes only files that have capabilities, as getcap does.
/// </summary>
[Cmdlet(VerbsCommon.Get, "FileCapability", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileCapability))]
public sealed class GetFileCapabilityCommand : DiagCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath";

    /// <summary>Files or directories; wildcards allowed.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Files or directories taken literally; binds Get-ChildItem and Get-Item output.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Walk directories (getcap -r): every file below them, symlinks not followed.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var path in ParameterSetName == PathSet ? Path : LiteralPath)
        {
            foreach (var file in Resolve(path, literal: ParameterSetName == LiteralPathSet))
            {
                if (StopToken.IsCancellationRequested) return;
                if (Directory.Exists(file) && new DirectoryInfo(file).LinkTarget is null)
                {
                    if (Recurse) ReadTree(file);
                    else WriteVerbose($"{file} is a directory: add -Recurse to read the files below it (getcap -r).");
                    continue;
                }
                Write(FileCapabilityReader.Read(file), explicitPath: true);
            }
        }
    }

    private void ReadTree(string directory)
    {
        var progress = new ProgressRecord(1, "Get-FileCapability", "Reading " + directory);
        WriteProgress(progress);
        try
        {
            foreach (var result in FileCapabilityReader.ReadTree(directory, StopToken)) Write(result, explicitPath: false);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    private void Write(FileCapabilityResult result, bool explicitPath)
    {
        if (result.Capability is not null) WriteObject(result.Capability);
        else if (result.NotFound) WriteDiagError(CapabilityErrors.PathNotFound(result.Path));
        else if (result.Problem is not null) WriteDiagError(CapabilityErrors.Unreadable(result.Path, result.Problem));
        else if (explicitPath) WriteVerbose($"{result.Path} has no file capabilities.");
    }

    private IEnumerable<string> Resolve(string path, bool literal)
    {
        Collection<string> resolved;
        ProviderInfo provider;
        try
        {
            if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
            {
                var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                resolved = new Collection<string> { full };
            }
            else resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            WriteDiagError(CapabilityErrors.PathNotFound(path));
            return [];
        }
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            WriteDiagError(CapabilityErrors.NotAFileSystemPath(path, provider.Name));
            return [];
        }
        return resolved;
    }
}
