using Diag.Linux.Packages;
using Diag.Linux.Packages.Integrity;
using Diag.Linux.Packages.Origins;
using Diag.Linux.Packages.Rpm;

namespace Diag.Linux.Tests.Packages;

/// <summary>RPM's sqlite database read natively: the fixture made by rpm 4.18 (Fixtures/make-rpmdb.sh; one header
/// spills into overflow pages), its packages, file table, SHA-256 digests, modes and sizes, under a root whose files
/// the test writes as the packages installed them, then changes.</summary>
public sealed class RpmDatabaseTests : IDisposable
{
    private readonly PackageTreeFixture _tree = new();

    public RpmDatabaseTests()
    {
        Directory.CreateDirectory(_tree.Host("/var/lib/rpm"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Packages/Fixtures/rpmdb.sqlite"), _tree.Host("/var/lib/rpm/rpmdb.sqlite"));
        Directory.Delete(_tree.Host("/var/lib/dpkg"), recursive: true);
        // The fixture's files as make-rpmdb.sh's packages install them.
        _tree.WriteFile("/usr/bin/diag-demo", "diag-demo binary\n", (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(_tree.Host("/usr/bin/diag-demo-link"), "diag-demo");
        _tree.WriteFile("/etc/diag-demo/demo.conf", "setting=1\n", (UnixFileMode)0b110_100_000);
        _tree.WriteFile("/usr/sbin/diag-demo-extra", "extra\n", (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_tree.Host("/usr/sbin/diag-demo-extra"), (UnixFileMode)0b100_111_101_101);
        for (int i = 1; i <= 200; i++) _tree.WriteFile($"/usr/share/doc/diag-demo-docs/page-{i}.txt", $"page {i}\n");
    }

    public void Dispose() => _tree.Dispose();

    private FileOrigin Origin(string path) => new FileOriginResolver(PackageIndex.For(_tree.Root), null).ForPath(path)!;

    [Fact]
    public void ReadsEveryPackageAndItsFileTable()
    {
        var index = PackageIndex.For(_tree.Root);
        Assert.Empty(index.Problems);
        Assert.Equal(["diag-demo 1.2-3", "diag-demo-docs 1.2-3", "diag-demo-extra 0.9-1"], index.Packages.Select(p => p.Name + " " + p.Version).Order());
        Assert.All(index.Packages, p => Assert.Equal(PackageManager.Rpm, p.Manager));
        var docs = index.Packages.OfType<RpmPackage>().Single(p => p.Name == "diag-demo-docs");
        Assert.Equal(201, docs.Paths.Length); // the directory and 200 pages: a header larger than a page
        Assert.Equal("diag-demo-docs", index.Find("/usr/share/doc/diag-demo-docs/page-137.txt").Single().Package.Name);
    }

    [Fact]
    public void VerifiesDigestsSizesModesAndLinksAsRpmV()
    {
        var binary = Origin("/usr/bin/diag-demo");
        Assert.Equal((FileOriginStatus.Ok, "diag-demo", "1.2-3", "x86_64"), (binary.StatusValue, binary.Package, binary.Version, binary.Architecture));
        Assert.Equal(DigestAlgorithm.Sha256, binary.DigestAlgorithmValue);
        Assert.Equal(binary.ExpectedDigest, binary.ActualDigest);
        Assert.Equal(FileOriginStatus.Ok, Origin("/usr/bin/diag-demo-link").StatusValue);
        var conf = Origin("/etc/diag-demo/demo.conf");
        Assert.True(conf.IsConffile);
        Assert.Equal(FileOriginStatus.Ok, conf.StatusValue);
        Assert.Equal(FileOriginStatus.Ok, Origin("/usr/sbin/diag-demo-extra").StatusValue);

        _tree.WriteFile("/usr/bin/diag-demo", "diag-demo binary, changed\n", (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_tree.Host("/usr/sbin/diag-demo-extra"), (UnixFileMode)0b111_101_101); // setuid bit dropped
        File.Delete(_tree.Host("/usr/bin/diag-demo-link"));
        File.CreateSymbolicLink(_tree.Host("/usr/bin/diag-demo-link"), "/bin/sh");

        var changed = Origin("/usr/bin/diag-demo");
        Assert.Equal(FileOriginStatus.Modified, changed.StatusValue);
        Assert.Equal([FileFindingKind.Modified, FileFindingKind.SizeChanged], changed.Findings.Select(f => f.KindValue));
        Assert.Equal("/usr/sbin/diag-demo-extra has mode -rwxr-xr-x; package diag-demo-extra installed it as -rwsr-xr-x",
            Assert.Single(Origin("/usr/sbin/diag-demo-extra").Findings).Message);
        Assert.Equal(FileFindingKind.LinkChanged, Assert.Single(Origin("/usr/bin/diag-demo-link").Findings).KindValue);

        var checks = new PackageIntegrityChecker(PackageIndex.For(_tree.Root)).Check(null, false, CancellationToken.None)
            .Where(i => i.Check is not null).Select(i => i.Check!).ToList();
        Assert.Equal(202, checks.Count); // diag-demo's binary, 200 pages, diag-demo-extra (the conffile only with -IncludeConffile)
        Assert.Equal("/usr/bin/diag-demo", Assert.Single(checks, c => c.StatusValue != PackageFileStatus.Ok).Path);
    }

    [Fact]
    public void CommittedFramesOfTheWriteAheadLogAreRead()
    {
        // rpm keeps its database in WAL mode: a change is in rpmdb.sqlite-wal until a checkpoint. sqlite3 deletes a
        // package and is killed before it can checkpoint, as a crashed or still-running rpm leaves it.
        var db = _tree.Host("/var/lib/rpm/rpmdb.sqlite");
        var before = PackageIndex.For(_tree.Root).Packages.OfType<RpmPackage>().ToList();
        var start = new System.Diagnostics.ProcessStartInfo("sqlite3", [db]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using (var sqlite = System.Diagnostics.Process.Start(start)!)
        {
            sqlite.StandardInput.Write("PRAGMA wal_autocheckpoint=0;\nDELETE FROM Packages WHERE hnum=3;\n.system kill -9 $PPID\n");
            sqlite.StandardInput.Close();
            sqlite.WaitForExit();
        }
        Assert.True(new FileInfo(db + "-wal").Length > 32, "sqlite3 left no write-ahead log");
        // The main file still holds three packages; only the log says the third row is gone.
        var index = PackageIndex.For(_tree.Root);
        Assert.Equal(2, index.Packages.Count);
        var removed = Assert.Single(before, p => index.Packages.All(q => q.Name != p.Name));
        Assert.Empty(index.Find(removed.Paths.Last()));
    }

    [Fact]
    public void ADamagedDatabaseIsAProblemNotACrash()
    {
        var bytes = File.ReadAllBytes(_tree.Host("/var/lib/rpm/rpmdb.sqlite"));
        Array.Clear(bytes, 0, 16);
        File.WriteAllBytes(_tree.Host("/var/lib/rpm/rpmdb.sqlite"), bytes);
        var index = PackageIndex.For(_tree.Root);
        Assert.Empty(index.Packages);
        Assert.Contains("not an SQLite 3 database", Assert.Single(index.Problems));
    }
}
