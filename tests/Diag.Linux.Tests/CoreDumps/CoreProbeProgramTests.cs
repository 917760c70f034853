using System.Diagnostics;
using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>The probe executable in CoreProbeProgram.X86_64.cs is exactly its assembly source.</summary>
public sealed class CoreProbeProgramTests
{
    [Fact]
    public void BytesMatchTheAssemblySource()
    {
        var source = Path.Combine(RepoRoot(), "src/Diag.Linux/CoreDumps/CoreProbeProgram.X86_64.S");
        var work = Directory.CreateTempSubdirectory("diag-core-probe");
        try
        {
            var obj = Path.Combine(work.FullName, "p.o");
            var bin = Path.Combine(work.FullName, "p.bin");
            Run("as", "-o", obj, source);
            Run("objcopy", "-O", "binary", "-j", ".text", obj, bin);
            Assert.Equal(File.ReadAllBytes(bin), CoreProbeProgram.Image.ToArray());
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
