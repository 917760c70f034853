using Diag.Linux.Packages;
using Diag.Linux.Packages.Integrity;
using Diag.Linux.Packages.Origins;

namespace Diag.Linux.Tests.Packages;

/// <summary>The dpkg cases a test machine does not have in a known state, on a real tree written as dpkg writes it:
/// merged-/usr listings, modified, missing and unowned files, conffiles, diversions, statoverride modes,
/// update-alternatives links, Multi-Arch: same, packages without md5sums, and files taken over by another package.</summary>
public sealed class DpkgFixtureTests : IDisposable
{
    private readonly PackageTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private FileOriginResolver Resolver(string? path = null) =>
        new(PackageIndex.For(_tree.Root), path is null ? null : new SearchPath(path, "/"));

    private FileOrigin Origin(string path) => Resolver().ForPath(path) ?? throw new InvalidOperationException("no origin for " + path);

    [Fact]
    public void AFileListedUnderBinIsFoundUnderUsrBinAndVerified()
    {
        _tree.WriteFile("/usr/bin/demo", "demo program\n", (UnixFileMode)0b111_101_101);
        _tree.AddPackage("demo", "1.0-1", [("/bin/demo", "demo program\n")]);

        foreach (var path in new[] { "/usr/bin/demo", "/bin/demo" })
        {
            var origin = Origin(path);
            Assert.Equal(FileOriginStatus.Ok, origin.StatusValue);
            Assert.Equal("demo", origin.Package);
            Assert.Equal("1.0-1", origin.Version);
            Assert.Equal(PackageManager.Dpkg, origin.PackageManagerValue);
            Assert.Equal("/bin/demo", origin.ListedAs);
            Assert.Equal(PackageTreeFixture.Md5("demo program\n"), origin.ExpectedDigest);
            Assert.Equal(origin.ExpectedDigest, origin.ActualDigest);
            Assert.Equal("-rwxr-xr-x", origin.Mode);
            Assert.Empty(origin.Findings);
        }
    }

    [Fact]
    public void ModifiedMissingAndUnownedFilesAreEachAFinding()
    {
        _tree.WriteFile("/usr/bin/changed", "tampered\n");
        _tree.WriteFile("/usr/bin/planted", "nobody's\n");
        _tree.AddPackage("demo", "2.0", [("/usr/bin/changed", "original\n"), ("/usr/bin/gone", "was here\n")]);

        var changed = Origin("/usr/bin/changed");
        Assert.Equal(FileOriginStatus.Modified, changed.StatusValue);
        Assert.Equal(FileFindingKind.Modified, Assert.Single(changed.Findings).KindValue);
        Assert.Equal("/usr/bin/changed differs from what package demo 2.0 installed (its MD5 digest does not match).", changed.Message);

        var gone = Origin("/usr/bin/gone");
        Assert.Equal(FileOriginStatus.Missing, gone.StatusValue);
        Assert.Equal(FileNodeKind.Missing, gone.KindValue);
        Assert.Equal("/usr/bin/gone is listed by package demo but missing from disk.", gone.Message);

        var planted = Origin("/usr/bin/planted");
        Assert.Equal(FileOriginStatus.NotOwned, planted.StatusValue);
        Assert.Null(planted.Package);
        Assert.Equal("/usr/bin/planted is owned by no package.", planted.Message);

        Assert.Null(Resolver().ForPath("/usr/bin/neither"));
    }

    [Fact]
    public void AConffileIsVerifiedAgainstTheStatusDigestAndSaidToBeEditable()
    {
        _tree.WriteFile("/etc/demo.conf", "edited=1\n");
        _tree.AddPackage("demo", "1", [], conffiles: [("/etc/demo.conf", "default=1\n")]);
        var origin = Origin("/etc/demo.conf");
        Assert.True(origin.IsConffile);
        Assert.Equal(FileOriginStatus.Modified, origin.StatusValue);
        Assert.Equal(FileFindingKind.ConffileModified, Assert.Single(origin.Findings).KindValue);
        Assert.Contains("local edits are expected", origin.Message);
    }

    [Fact]
    public void ADivertedFileBelongsToTheDiverterAndTheMovedCopyToItsPackage()
    {
        _tree.WriteFile("/usr/bin/tool", "wrapper\n");
        _tree.WriteFile("/usr/bin/tool.real", "real tool\n");
        _tree.AddPackage("tool", "1", [("/usr/bin/tool", "real tool\n")]);
        _tree.AddPackage("tool-wrapper", "1", [("/usr/bin/tool", "wrapper\n")]);
        _tree.AddDiversion("/usr/bin/tool", "/usr/bin/tool.real", "tool-wrapper");

        var wrapper = Origin("/usr/bin/tool");
        Assert.Equal("tool-wrapper", wrapper.Package);
        Assert.Equal(FileOriginStatus.Ok, wrapper.StatusValue);
        Assert.Equal("tool-wrapper", wrapper.DivertedBy);
        Assert.Contains(wrapper.Findings, f => f.KindValue == FileFindingKind.Diverted && f.RelatedPath == "/usr/bin/tool.real");

        var real = Origin("/usr/bin/tool.real");
        Assert.Equal("tool", real.Package);
        Assert.Equal("/usr/bin/tool", real.ListedAs);
        Assert.Equal(FileOriginStatus.Ok, real.StatusValue); // verified against tool's digest of /usr/bin/tool
        Assert.Contains("diverted here by package tool-wrapper", real.Message);
    }

    [Fact]
    public void AStatOverrideModeIsCheckedWhereDpkgRecordsNoMode()
    {
        _tree.WriteFile("/usr/bin/demo-su", "su\n", (UnixFileMode)0b111_101_101);
        _tree.AddPackage("demo", "1", [("/usr/bin/demo-su", "su\n")]);
        _tree.AddStatOverride("root root 4755 /usr/bin/demo-su");
        var origin = Origin("/usr/bin/demo-su");
        Assert.Equal(FileOriginStatus.Modified, origin.StatusValue);
        var finding = Assert.Single(origin.Findings);
        Assert.Equal(FileFindingKind.ModeChanged, finding.KindValue);
        Assert.Equal("/usr/bin/demo-su has mode -rwxr-xr-x; dpkg-statoverride keeps it at -rwsr-xr-x", finding.Message);
    }

    [Fact]
    public void AnAlternativesLinkIsManagedNotUnowned()
    {
        _tree.WriteFile("/usr/bin/demo-vi", "vi\n", (UnixFileMode)0b111_101_101);
        _tree.AddPackage("demo-vi", "1", [("/usr/bin/demo-vi", "vi\n")]);
        File.CreateSymbolicLink(_tree.Host("/etc/alternatives/editor"), "../../usr/bin/demo-vi");
        File.CreateSymbolicLink(_tree.Host("/usr/bin/editor"), "../../etc/alternatives/editor");
        File.WriteAllText(_tree.Host("/var/lib/dpkg/alternatives/editor"), "auto\n/usr/bin/editor\n\n/usr/bin/demo-vi\n40\n\n");

        var origin = Origin("/usr/bin/editor");
        Assert.Equal(FileOriginStatus.Ok, origin.StatusValue);
        Assert.Equal(FileNodeKind.SymbolicLink, origin.KindValue);
        Assert.Equal("editor", origin.Alternative);
        Assert.Equal("/usr/bin/demo-vi", origin.ResolvedPath);
        Assert.Equal("/usr/bin/editor is a link of the alternative editor (update-alternatives, auto mode), now /usr/bin/demo-vi from package demo-vi.", origin.Message);
    }

    [Fact]
    public void MultiArchSamePackagesAreNamedWithTheirArchitectureAndAPackageWithoutDigestsIsUnverified()
    {
        _tree.WriteFile("/usr/lib/x86_64-linux-gnu/libdemo.so.1", "lib\n");
        _tree.WriteFile("/usr/bin/nosums", "x\n");
        _tree.AddPackage("libdemo1", "3", [("/usr/lib/x86_64-linux-gnu/libdemo.so.1", "lib\n")], multiArchSame: true);
        _tree.AddPackage("nosums", "1", [("/usr/bin/nosums", "x\n")], md5sums: false);

        var lib = Origin("/usr/lib/x86_64-linux-gnu/libdemo.so.1");
        Assert.Equal("libdemo1:amd64", lib.Package);
        Assert.Equal(FileOriginStatus.Ok, lib.StatusValue);

        var unverified = Origin("/usr/bin/nosums");
        Assert.Equal(FileOriginStatus.Unverified, unverified.StatusValue);
        Assert.Equal(FileFindingKind.NoDigest, Assert.Single(unverified.Findings).KindValue);
    }

    [Fact]
    public void PackageIntegrityReportsChangesButNotFilesAnotherPackageTookOver()
    {
        _tree.WriteFile("/usr/bin/a", "a changed\n");
        _tree.WriteFile("/usr/bin/b", "b\n");
        _tree.WriteFile("/usr/bin/moved", "new owner's\n");
        _tree.AddPackage("old", "1", [("/usr/bin/a", "a\n"), ("/usr/bin/b", "b\n"), ("/usr/bin/gone", "g\n")]);
        // "new" took /usr/bin/moved over: dpkg removed it from old's list but left old's md5sums line behind.
        File.AppendAllText(_tree.Host("/var/lib/dpkg/info/old.md5sums"), PackageTreeFixture.Md5("old content\n") + "  usr/bin/moved\n");
        _tree.AddPackage("new", "1", [("/usr/bin/moved", "new owner's\n")]);

        var checker = new PackageIntegrityChecker(PackageIndex.For(_tree.Root));
        var items = checker.Check(["old", "new", "absent"], includeConffiles: false, CancellationToken.None).ToList();
        var checks = items.Where(i => i.Check is not null).Select(i => i.Check!).ToList();
        Assert.Equal(PackageFileStatus.Modified, checks.Single(c => c.Path == "/usr/bin/a").StatusValue);
        Assert.Equal(PackageFileStatus.Ok, checks.Single(c => c.Path == "/usr/bin/b").StatusValue);
        Assert.Equal(PackageFileStatus.Missing, checks.Single(c => c.Path == "/usr/bin/gone").StatusValue);
        Assert.Equal(PackageFileStatus.Ok, checks.Single(c => c.Path == "/usr/bin/moved").StatusValue);
        Assert.Equal("new", checks.Single(c => c.Path == "/usr/bin/moved").Package);
        var old = items.Select(i => i.Summary).Single(s => s?.Package == "old")!;
        Assert.Equal((PackageIntegrityStatus.Changed, 3, 1, 1), (old.StatusValue, old.FilesChecked, old.Modified, old.Missing));
        Assert.Equal("absent", Assert.Single(items, i => i.UnknownPackage is not null).UnknownPackage);
    }
}
