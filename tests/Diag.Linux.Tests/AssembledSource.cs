using System.Diagnostics;

namespace Diag.Linux.Tests;

/// <summary>
/// Assembles a .S file of the repository with binutils (installed with gcc, which builds the test target) and
/// returns its .text section: for the tests that compare machine code kept as bytes with its source.
/// </summary>
internal static class AssembledSource
{
    public static byte[] Text(string repositoryPath)
    {
        var work = Directory.CreateTempSubdirectory("diag-assembled-");
        try
        {
            var obj = Path.Combine(work.FullName, "code.o");
            var bin = Path.Combine(work.FullName, "code.bin");
            Run("as", "-o", obj, Path.Combine(RepoRoot(), repositoryPath));
            Run("objcopy", "-O", "binary", "-j", ".text", obj, bin);
            return File.ReadAllBytes(bin);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void Run(string tool, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(tool, args) { UseShellExecute = false, RedirectStandardError = true })!;
        var errors = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.True(p.ExitCode == 0, $"{tool}: {errors}");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Diag.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
