using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.Packages;
using Diag.Linux.Packages.Integrity;
using Diag.Linux.Packages.Origins;

namespace Diag.Linux.Tests.Packages;

/// <summary>
/// Get-FileOrigin's engine on this machine's real dpkg database: its owners agree with dpkg -S; the planted binary of
/// the init-at-30%-CPU incident (a copy of a packaged program under its name, earlier on PATH) is told from the
/// packaged one, by path, by command and as a running process; a packaged file modified by the test is caught, by the
/// lookup and by the package check, and restored; deleted and in-memory programs of running processes are named.
/// </summary>
[Collection("Package files")]
public sealed class RealSystemOriginTests
{
    private static readonly string SystemPath = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";

    [Fact]
    public void OwnersAgreeWithDpkgS()
    {
        var index = PackageIndex.For("/");
        Assert.True(index.Packages.Count > 100, $"only {index.Packages.Count} packages");
        // Every 97th listed file that exists: spread over the whole database.
        var sample = index.Packages.OfType<Diag.Linux.Packages.Dpkg.DpkgPackage>().SelectMany(p => p.FilesWithDigests(false).Select(f => f.Key))
            .Distinct().Order(StringComparer.Ordinal).Where((_, i) => i % 97 == 0).Where(File.Exists).Take(150).ToList();
        Assert.True(sample.Count > 50);
        var dpkg = Run("dpkg", ["-S", .. sample]);
        var expected = new Dictionary<string, HashSet<string>>();
        foreach (var line in dpkg.Split('\n'))
        {
            if (line.StartsWith("diversion by", StringComparison.Ordinal) || !line.Contains(": /", StringComparison.Ordinal)) continue;
            int at = line.IndexOf(": /", StringComparison.Ordinal);
            expected[line[(at + 2)..]] = line[..at].Split(", ").ToHashSet();
        }
        var lookup = new FileOriginLookup(SystemPath, "/");
        foreach (var path in sample)
        {
            var origin = lookup.ForPath(path)!;
            Assert.True(expected.ContainsKey(path), $"dpkg -S does not list {path}");
            // dpkg -S names a Multi-Arch: same package with its architecture, as Package does.
            Assert.Equal(expected[path].Order(), origin.Packages.Order());
            Assert.True(origin.StatusValue is FileOriginStatus.Ok or FileOriginStatus.Modified, $"{path}: {origin.StatusValue} {origin.Message}");
        }
    }

    [Fact]
    public void UsrBinFormsOfBinListingsAreOwnedWhereDpkgSSaysNothing()
    {
        var index = PackageIndex.For("/");
        if (!index.Usr.Any) return; // not merged /usr: nothing to alias
        var binListed = index.Packages.OfType<Diag.Linux.Packages.Dpkg.DpkgPackage>().SelectMany(p => p.FilesWithDigests(false).Select(f => f.Key))
            .Where(p => p.StartsWith("/bin/", StringComparison.Ordinal) && File.Exists(p)).Take(5).ToList();
        Assert.NotEmpty(binListed);
        var lookup = new FileOriginLookup(SystemPath, "/");
        foreach (var listed in binListed)
        {
            var origin = lookup.ForPath("/usr" + listed)!;
            Assert.NotNull(origin.Package);
            Assert.Equal(listed, origin.ListedAs);
        }
    }

    [Fact]
    public void APlantedCopyEarlierOnPathIsToldFromThePackagedProgram()
    {
        var packaged = new FileOriginLookup(SystemPath, "/").ForPath("/usr/bin/sleep")!;
        Assert.NotNull(packaged.Package);
        var dir = Directory.CreateTempSubdirectory($"diag-plant-{Environment.ProcessId}-").FullName;
        try
        {
            var planted = Path.Combine(dir, "sleep");
            File.Copy("/usr/bin/sleep", planted);
            File.SetUnixFileMode(planted, (UnixFileMode)0b111_001_001); // -rwx--x--x, as the incident's /usr/bin/atd
            var lookup = new FileOriginLookup(dir + ":" + SystemPath, "/");

            var all = lookup.ForCommand("sleep");
            var first = all[0];
            Assert.Equal(planted, first.Path);
            Assert.Equal(FileOriginStatus.NotOwned, first.StatusValue);
            Assert.True(first.RunsFirst);
            Assert.Equal(1, first.PathOrder);
            var shadows = Assert.Single(first.Findings);
            Assert.Equal(FileFindingKind.Shadows, shadows.KindValue);
            Assert.Equal($"{planted} is owned by no package and shadows /usr/bin/sleep from package {packaged.Package}", shadows.Message);

            var real = all.Single(o => o.Path == "/usr/bin/sleep");
            Assert.Equal(FileOriginStatus.Ok, real.StatusValue);
            Assert.Equal(packaged.Package, real.Package);
            Assert.False(real.RunsFirst);
            var shadowed = real.Findings.Single(f => f.KindValue == FileFindingKind.ShadowedBy);
            Assert.Equal($"/usr/bin/sleep from package {packaged.Package} is shadowed by {planted} (owned by no package), earlier on PATH: a shell runs that one", shadowed.Message);

            using var process = Process.Start(planted, "300")!;
            try
            {
                var (running, problem) = lookup.ForProcess(process.Id);
                Assert.Null(problem);
                Assert.Equal(planted, running!.Path);
                Assert.Equal(process.Id, running.ProcessId);
                Assert.Equal("sleep", running.ProcessName);
                Assert.Equal(FileOriginStatus.NotOwned, running.StatusValue);
                Assert.Contains("shadows /usr/bin/sleep from package", running.Message);
            }
            finally
            {
                process.Kill();
                process.WaitForExit();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AModifiedPackageFileIsCaughtAndRestored()
    {
        // A harmless file: coreutils' documentation or man pages, not a program.
        var index = PackageIndex.For("/");
        var coreutils = index.Packages.First(p => p.Name == "coreutils");
        var (path, expected) = coreutils.FilesWithDigests(false).First(f => f.Key.StartsWith("/usr/share/", StringComparison.Ordinal) && File.Exists(f.Key));
        var original = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);
        try
        {
            File.AppendAllText(path, "\n# changed by a Diag test\n");
            var origin = new FileOriginLookup(SystemPath, "/").ForPath(path)!;
            Assert.Equal(FileOriginStatus.Modified, origin.StatusValue);
            Assert.Equal("coreutils", origin.Package);
            Assert.Equal(expected.Digest, origin.ExpectedDigest);
            Assert.NotEqual(expected.Digest, origin.ActualDigest);
            Assert.Equal(FileFindingKind.Modified, Assert.Single(origin.Findings).KindValue);

            var checks = PackageIntegrityChecker.ForThisMachine().Check(["coreutils"], false, CancellationToken.None).Where(i => i.Check is not null).Select(i => i.Check!).ToList();
            Assert.Equal(path, Assert.Single(checks, c => c.StatusValue != PackageFileStatus.Ok).Path);
        }
        finally
        {
            File.WriteAllBytes(path, original);
            File.SetLastWriteTimeUtc(path, written);
        }
        Assert.Equal(FileOriginStatus.Ok, new FileOriginLookup(SystemPath, "/").ForPath(path)!.StatusValue);
    }

    [Fact]
    public void AProgramDeletedWhileRunningIsDeleted()
    {
        var dir = Directory.CreateTempSubdirectory($"diag-deleted-{Environment.ProcessId}-").FullName;
        var copy = Path.Combine(dir, "sleeper");
        File.Copy("/usr/bin/sleep", copy);
        using var process = Process.Start(copy, "300")!;
        try
        {
            File.Delete(copy);
            var (origin, problem) = new FileOriginLookup(SystemPath, "/").ForProcess(process.Id);
            Assert.Null(problem);
            Assert.Equal(FileOriginStatus.Deleted, origin!.StatusValue);
            Assert.Equal(copy, origin.Path);
            var finding = Assert.Single(origin.Findings);
            Assert.Equal(FileFindingKind.DeletedWhileRunning, finding.KindValue);
            Assert.Equal($"process {process.Id} (sleeper) runs {copy}, which was deleted after it started; nothing is at that path now", finding.Message);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AProgramRunFromMemoryIsInMemory()
    {
        // A memfd without close-on-exec: the child execs it through its own /proc/self/fd.
        using var memfd = Libc.MemfdCreate($"diag-memfd-{Environment.ProcessId}", 0);
        Assert.False(memfd.IsInvalid, "memfd_create failed: " + Errno.GetName(Libc.LastErrno));
        var fd = (int)memfd.DangerousGetHandle();
        using (var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), FileAccess.Write))
            stream.Write(File.ReadAllBytes("/usr/bin/sleep"));
        using var process = Process.Start($"/proc/self/fd/{fd}", "300")!;
        try
        {
            var (origin, problem) = new FileOriginLookup(SystemPath, "/").ForProcess(process.Id);
            Assert.Null(problem);
            Assert.Equal(FileOriginStatus.InMemory, origin!.StatusValue);
            Assert.Equal(FileNodeKind.Memory, origin.KindValue);
            Assert.Equal($"/memfd:diag-memfd-{Environment.ProcessId}", origin.Path);
            Assert.Equal(FileFindingKind.RunsFromMemory, Assert.Single(origin.Findings).KindValue);
            Assert.Null(origin.Package);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public void AProcessInAnotherRootIsLookedUpInThatRootsPackages()
    {
        // A container made by hand: its own root with the host's /usr bound in and a dpkg database of its own, in
        // which another package owns /usr/bin/sleep; the process runs sleep from that root.
        using var tree = new PackageTreeFixture();
        File.CreateSymbolicLink(tree.Host("/lib"), "usr/lib");
        File.CreateSymbolicLink(tree.Host("/lib64"), "usr/lib64");
        tree.AddPackage("coreutils-in-container", "9.9-1", [("/usr/bin/sleep", null)]);
        var start = new ProcessStartInfo("unshare") { RedirectStandardError = true };
        foreach (var a in (string[])["--mount", "--fork", "--", "sh", "-c", $"mount --bind /usr '{tree.Root}/usr' && exec chroot '{tree.Root}' /usr/bin/sleep 300"])
            start.ArgumentList.Add(a);
        using var unshare = Process.Start(start)!;
        try
        {
            int pid;
            while ((pid = ChildOf(unshare.Id)) == 0 || !(ReadLink($"/proc/{pid}/exe")?.EndsWith("/usr/bin/sleep", StringComparison.Ordinal) ?? false) || ReadLink($"/proc/{pid}/root") == "/")
            {
                if (unshare.HasExited) Assert.Fail("unshare failed: " + unshare.StandardError.ReadToEnd());
                Thread.Sleep(5);
            }
            var (origin, problem) = new FileOriginLookup(SystemPath, "/").ForProcess(pid);
            Assert.Null(problem);
            Assert.Equal("/usr/bin/sleep", origin!.Path);
            Assert.Equal("coreutils-in-container", origin.Package);
            Assert.Equal("9.9-1", origin.Version);
            Assert.Null(origin.PathOrder); // the host's PATH says nothing about the container
        }
        finally
        {
            unshare.Kill(entireProcessTree: true);
            unshare.WaitForExit();
        }
    }

    private static int ChildOf(int pid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length > 0 ? int.Parse(children[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [Fact]
    public void AKernelThreadAndAMissingProcessAreProblemsNotOrigins()
    {
        var lookup = new FileOriginLookup(SystemPath, "/");
        Assert.Equal(FileOriginProblemKind.NoProgram, lookup.ForProcess(2).Problem!.Kind); // kthreadd
        Assert.Equal(FileOriginProblemKind.ProcessNotFound, lookup.ForProcess(int.MaxValue).Problem!.Kind);
    }

    [Fact]
    public void TheIndexIsBuiltOncePerSession()
    {
        var first = PackageIndex.For("/");
        var second = PackageIndex.For("/");
        Assert.Equal(TimeSpan.Zero, second.BuildTime);
        Assert.Equal(first.PathCount, second.PathCount);
    }

    private static string Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = stderr.Result;
        return output;
    }
}
