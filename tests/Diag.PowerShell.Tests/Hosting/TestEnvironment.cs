using System.Reflection;

namespace Diag.PowerShell.Tests.Hosting;

/// <summary>Where the built module, the test target and the tool pwsh are.</summary>
internal static class TestEnvironment
{
    private static string Metadata(string key) =>
        typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("RepoRoot"));

    /// <summary>out/Diag/Diag.psd1, laid out by building src/Diag (a reference of this project).</summary>
    public static string ModuleManifest { get; } = Path.Combine(RepoRoot, "out", "Diag", "Diag.psd1");

    /// <summary>The pwsh of the dotnet tool pinned in .config/dotnet-tools.json (restored by <c>dotnet tool restore</c>).</summary>
    public static string PwshPath { get; } = Metadata("PwshPath");

    /// <summary>The C test target compiled next to this assembly.</summary>
    public static string TestTargetPath => TargetProcess.ExecutablePath;
}
