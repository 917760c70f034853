using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Diag.Contract.Tests;

/// <summary>The module as shipped: the cmdlet assembly, the manifest, the format and help files.</summary>
internal static class ModuleFiles
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static Assembly CmdletAssembly { get; } = typeof(Diag.Commands.Infrastructure.DiagCmdlet).Assembly;

    public static string ManifestText => File.ReadAllText(Path.Combine(RepoRoot, "Diag.psd1"));

    public static IEnumerable<string> FormatFiles => Directory.GetFiles(Path.Combine(RepoRoot, "module"), "*.format.ps1xml");

    public static XDocument HelpDocument => XDocument.Load(Path.Combine(RepoRoot, "en-US", "Diag.dll-Help.xml"));

    /// <summary>A string value of the manifest's top-level or PSData hashtable, e.g. ModuleVersion.</summary>
    public static string? ManifestValue(string key)
    {
        var m = Regex.Match(ManifestText, $@"^\s*{key}\s*=\s*'([^']*)'", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>The items of an array value such as <c>CmdletsToExport = @('A', 'B')</c>.</summary>
    public static IReadOnlyList<string> ManifestArray(string key)
    {
        var m = Regex.Match(ManifestText, $@"^\s*{key}\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline);
        Assert.True(m.Success, $"Diag.psd1 has no array {key}");
        return Regex.Matches(m.Groups[1].Value, "'([^']*)'").Select(x => x.Groups[1].Value).ToList();
    }

    /// <summary>The here-string value of <c>ReleaseNotes = @' ... '@</c>.</summary>
    public static string ManifestReleaseNotes()
    {
        var m = Regex.Match(ManifestText, @"ReleaseNotes\s*=\s*@'\r?\n(.*?)\r?\n'@", RegexOptions.Singleline);
        Assert.True(m.Success, "Diag.psd1 has no ReleaseNotes here-string");
        return m.Groups[1].Value;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diag.psd1"))) return dir.FullName;
        }
        throw new InvalidOperationException("Diag.psd1 not found above " + AppContext.BaseDirectory);
    }
}
