using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Packages.Integrity;

namespace Diag.Commands;

/// <summary>
/// Test-PackageIntegrity: verifies whole packages against the digests they recorded, like <c>debsums -c</c> (and
/// rpm -V for RPM packages), every core hashing at once. Writes the files that differ (or with -Summary one verdict
/// per package); -Package binds Get-FileOrigin's output, so a suspicious file's whole package is one pipe away.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PackageIntegrity")]
[OutputType(typeof(PackageFileCheck), typeof(PackageIntegrity))]
public sealed class TestPackageIntegrityCommand : DiagCmdlet
{
    private readonly List<string> _packages = new();

    /// <summary>Packages to verify (wildcards allowed); every installed package when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Package { get; set; }

    /// <summary>Also verify configuration files (debsums -a); they are skipped by default, since local edits are expected.</summary>
    [Parameter]
    public SwitchParameter IncludeConffile { get; set; }

    /// <summary>Also write the files that match (debsums without -c).</summary>
    [Parameter]
    public SwitchParameter IncludeUnchanged { get; set; }

    /// <summary>One verdict per package instead of one row per file.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    protected override void ProcessRecord()
    {
        if (Package is not null) _packages.AddRange(Package.Where(p => !string.IsNullOrEmpty(p)));
    }

    protected override void EndProcessing()
    {
        var checker = PackageIntegrityChecker.ForThisMachine();
        if (checker.IndexBuildTime > TimeSpan.Zero)
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Indexed {checker.PathCount} paths of {checker.PackageCount} packages in {checker.IndexBuildTime.TotalMilliseconds:F0} ms."));
        foreach (var problem in checker.Problems) WriteWarning(problem);
        if (checker.PackageCount == 0)
        {
            WriteWarning("No package database was found (dpkg's /var/lib/dpkg, or RPM's /var/lib/rpm/rpmdb.sqlite): nothing to verify.");
            return;
        }

        var names = _packages.Distinct(StringComparer.Ordinal).ToList();
        var matchers = names.Count == 0 ? null : names.Select(n => (Func<string, bool>)WildcardPattern.Get(n, WildcardOptions.None).IsMatch).ToList();
        var progress = new ProgressRecord(1, "Test-PackageIntegrity", "Hashing package files");
        var lastProgress = DateTime.UtcNow;
        var withoutDigests = new List<string>();
        try
        {
            foreach (var item in checker.Check(matchers, names.Count == 0 ? null : names, IncludeConffile, StopToken))
            {
                if (item.UnknownPackage is { } unknown)
                {
                    if (!WildcardPattern.ContainsWildcardCharacters(unknown)) WriteDiagError(FileOriginErrors.NoPackage(unknown));
                    continue;
                }
                if (item.Summary is { } summary)
                {
                    if (summary.Status == nameof(PackageIntegrityStatus.NoDigests)) withoutDigests.Add(summary.Package);
                    if (Summary) WriteObject(summary);
                }
                if (item.Check is { } check && !Summary && (IncludeUnchanged || check.Status != nameof(PackageFileStatus.Ok))) WriteObject(check);
                if (item.Total > 0 && DateTime.UtcNow - lastProgress > TimeSpan.FromMilliseconds(250))
                {
                    lastProgress = DateTime.UtcNow;
                    progress.PercentComplete = Math.Min(100, 100 * item.Done / item.Total);
                    progress.StatusDescription = string.Create(CultureInfo.InvariantCulture, $"{item.Done} of {item.Total} files");
                    WriteProgress(progress);
                }
            }
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        if (withoutDigests.Count > 0 && !Summary)
            WriteWarning(withoutDigests.Count.ToString(CultureInfo.InvariantCulture) + (withoutDigests.Count == 1 ? " package" : " packages") +
                " recorded no digests, so their files were not verified (debsums -l): " + string.Join(", ", withoutDigests.Take(20)) +
                (withoutDigests.Count > 20 ? ", …" : "") + ". Reinstalling such a package from a trusted mirror is the way to check it.");
    }
}
