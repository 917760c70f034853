using System.Text.RegularExpressions;

namespace Diag.Contract.Tests;

public class ManifestTests
{
    [Fact]
    public void ExportsExactlyTheCmdletsThatExist()
    {
        var exported = ModuleFiles.ManifestArray("CmdletsToExport");
        Assert.DoesNotContain(exported, e => e.Contains('*'));
        Assert.Equal(CmdletMetadata.All.Select(c => c.Name).OrderBy(n => n), exported.OrderBy(n => n));
    }

    [Fact]
    public void ExportsNothingElse()
    {
        Assert.Empty(ModuleFiles.ManifestArray("FunctionsToExport"));
        Assert.Empty(ModuleFiles.ManifestArray("AliasesToExport"));
        Assert.Empty(ModuleFiles.ManifestArray("VariablesToExport"));
    }

    [Fact]
    public void DescribesARealModuleForPowerShell74OnCore()
    {
        Assert.Equal("Diag.dll", ModuleFiles.ManifestValue("RootModule"));
        Assert.Equal("7.4", ModuleFiles.ManifestValue("PowerShellVersion"));
        Assert.Equal(["Core"], ModuleFiles.ManifestArray("CompatiblePSEditions"));
        Assert.True(Guid.TryParse(ModuleFiles.ManifestValue("GUID"), out var guid) && guid != Guid.Empty);
        Assert.False(string.IsNullOrWhiteSpace(ModuleFiles.ManifestValue("Author")));
        Assert.True(ModuleFiles.ManifestValue("Description")!.Length > 40);
        Assert.NotEmpty(ModuleFiles.ManifestArray("Tags"));
        Assert.DoesNotMatch(new Regex(@"PLACEHOLDER|\bTODO\b|\bTBD\b|\bFIXME\b|\bxxx\b", RegexOptions.IgnoreCase), ModuleFiles.ManifestText);
    }

    [Fact]
    public void VersionMatchesTheAssemblies()
    {
        var version = Version.Parse(ModuleFiles.ManifestValue("ModuleVersion")!);
        var assembly = ModuleFiles.CmdletAssembly.GetName().Version!;
        Assert.Equal(version, new Version(assembly.Major, assembly.Minor, assembly.Build));
    }

    [Fact]
    public void ReleaseNotesAreTheChangelogSectionOfThisVersion()
    {
        var version = ModuleFiles.ManifestValue("ModuleVersion")!;
        var changelog = File.ReadAllText(Path.Combine(ModuleFiles.RepoRoot, "CHANGELOG.md")).ReplaceLineEndings("\n");
        var section = Regex.Match(changelog, $@"^## \[?{Regex.Escape(version)}\]?[^\n]*\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, $"CHANGELOG.md has no section for {version}");
        Assert.Equal(section.Groups[1].Value.Trim(), ModuleFiles.ManifestReleaseNotes().ReplaceLineEndings("\n").Trim());
    }

    [Fact]
    public void FormatFilesAreAllListedAndExist()
    {
        var listed = ModuleFiles.ManifestArray("FormatsToProcess");
        Assert.Equal(ModuleFiles.FormatFiles.Select(Path.GetFileName).OrderBy(n => n), listed.OrderBy(n => n));
    }

    [Fact]
    public void TheBuildLaysOutACompleteModuleFolder()
    {
        // Building src/Diag (a reference of this project) produces out/Diag.
        var folder = Path.Combine(ModuleFiles.RepoRoot, "out", "Diag");
        foreach (var file in new[] { "Diag.psd1", "Diag.dll", "Diag.Linux.dll", "en-US/Diag.dll-Help.xml", "en-US/about_Diag.help.txt" }
                     .Concat(ModuleFiles.ManifestArray("FormatsToProcess")))
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"out/Diag/{file} is missing");
        }
        Assert.False(File.Exists(Path.Combine(folder, "System.Management.Automation.dll")),
            "System.Management.Automation must come from pwsh, never ship with the module");
    }
}
