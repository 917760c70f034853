using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>
/// Configurations the test machine does not have, through a fixture root: pipe handlers (systemd-coredump with
/// its storage settings, apport, a missing program), an absolute directory that does not exist, fs.suid_dumpable
/// against a process that changed credentials, systemd unit limits, containers, program switches. Each asserts
/// the check that decides and the verdict.
/// </summary>
public sealed class FixtureVerdictTests
{
    private static readonly uint[] Root = [0, 0, 0, 0];
    private static readonly uint[] Mysql = [27, 27, 27, 27];
    private const string SystemdPattern = "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h";

    [Fact]
    public void SystemdCoredumpWithStorageNoneKeepsNoCore()
    {
        using var f = new CoreDumpFixture(SystemdPattern);
        f.Program("usr/lib/systemd/systemd-coredump");
        f.Write("etc/systemd/coredump.conf", "[Coredump]\n#Storage=external\n");
        f.Write("etc/systemd/coredump.conf.d/90-hardening.conf", "[Coredump]\nStorage=none\nProcessSizeMax=0\n");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        var storage = report.Check(CoreDumpCheckName.HandlerStorage);
        Assert.Equal(CheckStatus.Fail, storage.StatusValue);
        Assert.Contains("Storage=none", storage.Actual);
        Assert.Contains("90-hardening.conf", storage.Actual);
        Assert.Contains("Storage=external", storage.Remedy);
        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.PipeHandler));
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
        Assert.Equal([CoreDumpCheckName.HandlerStorage], report.Verdict.BlockerNames);
        Assert.Contains("keeps nothing", report.Verdict.Destination);
    }

    [Fact]
    public void SystemdCoredumpKeepsCoresExternallyByDefault()
    {
        using var f = new CoreDumpFixture(SystemdPattern);
        f.Program("usr/lib/systemd/systemd-coredump");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.HandlerStorage));
        Assert.Contains("Storage=external", report.Check(CoreDumpCheckName.HandlerStorage).Actual);
        Assert.Equal(CheckStatus.NotApplicable, report.Status(CoreDumpCheckName.CoreFileName));
        Assert.Equal(CheckStatus.NotApplicable, report.Status(CoreDumpCheckName.FileSizeLimit));
        Assert.Equal(CheckStatus.Info, report.Status(CoreDumpCheckName.PipeLimit));
        Assert.Equal(CoreDumpOutcome.Written, report.Verdict.VerdictValue);
        Assert.StartsWith("systemd-coredump: /var/lib/systemd/coredump", report.Verdict.Destination);
    }

    [Fact]
    public void SystemdCoredumpDiscardsCoresOfAProcessWithCoreLimitZeroWhenItGetsPercentC()
    {
        using var f = new CoreDumpFixture(SystemdPattern);
        f.Program("usr/lib/systemd/systemd-coredump");
        f.Process("worker", Root, Root, coreLimit: 0, cwd: "srv");

        var limit = f.Inspect().Check(CoreDumpCheckName.CoreLimit);

        Assert.Equal(CheckStatus.Fail, limit.StatusValue);
        Assert.Contains("systemd-coredump", limit.Message);
        Assert.Contains($"prlimit --pid {CoreDumpFixture.Pid} --core=unlimited:;", limit.Remedy);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AHardLimitIsRaisedNowOnlyWhereThisSessionMay(bool canRaiseHardLimits)
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Process("worker", Root, Root, coreLimit: 0, cwd: "srv", coreHardLimit: 0);

        var limit = f.Inspect(canRaiseHardLimits).Check(CoreDumpCheckName.CoreLimit);

        Assert.Equal("soft 0, hard 0", limit.Actual);
        if (canRaiseHardLimits)
            Assert.StartsWith($"now: prlimit --pid {CoreDumpFixture.Pid} --core=unlimited:unlimited;", limit.Remedy);
        else
        {
            // A root without CAP_SYS_RESOURCE (a container) cannot: say so, and give only what works.
            Assert.DoesNotContain("prlimit", limit.Remedy);
            Assert.Contains("CAP_SYS_RESOURCE", limit.Remedy);
            Assert.StartsWith("lasting: ", limit.Remedy);
        }
    }

    [Fact]
    public void DebiansFixedLimitMakesTheProcessLimitIrrelevantToSystemdCoredump()
    {
        using var f = new CoreDumpFixture("|/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h");
        f.Program("lib/systemd/systemd-coredump");
        f.Process("worker", Root, Root, coreLimit: 0, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.CoreLimit));
        Assert.Equal(CoreDumpOutcome.Written, report.Verdict.VerdictValue);
    }

    [Fact]
    public void ACoreLimitOfOneStopsEveryPipeHandler()
    {
        using var f = new CoreDumpFixture("|/usr/local/bin/crash-handler %p");
        f.Program("usr/local/bin/crash-handler");
        f.Process("worker", Root, Root, coreLimit: 1, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Fail, report.Status(CoreDumpCheckName.CoreLimit));
        Assert.Equal(CheckStatus.Warning, report.Status(CoreDumpCheckName.HandlerStorage)); // an unknown handler
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
    }

    [Theory]
    [InlineData("|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E", CoreDumpCheckName.PipeHandler, "no such program")]
    [InlineData("", CoreDumpCheckName.CorePattern, "(empty)")]
    [InlineData("|", CoreDumpCheckName.CorePattern, "= |")]
    [InlineData("@run/coredump", CoreDumpCheckName.CorePattern, "= @run/coredump")]
    [InlineData("@/run/systemd/coredump", CoreDumpCheckName.PipeHandler, "no such socket")]
    public void AMissingHandlerOrAnUnusablePatternStopsEveryCore(string pattern, CoreDumpCheckName failing, string actual)
    {
        using var f = new CoreDumpFixture(pattern);
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Fail, report.Status(failing));
        Assert.Contains(actual, report.Check(failing).Actual);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
    }

    [Fact]
    public void ApportKeepsCoresOnlyForPackagedProgramsSoTheVerdictIsUnknown()
    {
        using var f = new CoreDumpFixture("|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E");
        f.Program("usr/share/apport/apport");
        f.Write("etc/default/apport", "# set this to 0 to disable apport\nenabled=1\n");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal("apport", report.Check(CoreDumpCheckName.PipeHandler).Actual.Split('(', ')')[1]);
        Assert.Equal(CheckStatus.Warning, report.Status(CoreDumpCheckName.HandlerStorage));
        Assert.Equal(CoreDumpOutcome.Unknown, report.Verdict.VerdictValue);
        Assert.Equal("apport: a crash report in /var/crash", report.Verdict.Destination);
    }

    [Fact]
    public void DisabledApportDropsEveryCore()
    {
        using var f = new CoreDumpFixture("|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E");
        f.Program("usr/share/apport/apport");
        f.Write("etc/default/apport", "enabled=0\n");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Fail, report.Status(CoreDumpCheckName.HandlerStorage));
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
    }

    [Fact]
    public void AnAbsoluteDirectoryThatDoesNotExistFails()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        var directory = report.Check(CoreDumpCheckName.CoreDirectory);
        Assert.Equal(CheckStatus.Fail, directory.StatusValue);
        Assert.Contains("/var/crash: does not exist", directory.Actual);
        Assert.Equal("mkdir -p -m 1777 /var/crash", directory.Remedy);
        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.CoreFileName));
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
        Assert.Equal($"/var/crash/core.worker.{CoreDumpFixture.Pid}", report.Verdict.Destination);
    }

    [Fact]
    public void AnAbsoluteDirectoryThatExistsReceivesTheCore()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p.%t");
        f.Directory("var/crash");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.CoreDirectory));
        Assert.Equal(CoreDumpOutcome.Written, report.Verdict.VerdictValue);
        Assert.Equal($"/var/crash/core.worker.{CoreDumpFixture.Pid}.<time>", report.Verdict.Destination);
    }

    [Fact]
    public void ALinkPlantedInADirectoryOthersCanWriteIsWarnedAbout()
    {
        // The process works in a world-writable directory where someone planted dumps -> a root-only directory.
        using var f = new CoreDumpFixture("dumps/core.%p");
        var shared = f.Directory("tmp/shared");
        File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("1777", 8));
        var rootOnly = f.Directory("root-only");
        File.CreateSymbolicLink(Path.Combine(shared, "dumps"), rootOnly);
        f.Process("worker", Root, Root, coreLimit: null, cwd: "tmp/shared");

        var check = f.Inspect().Check(CoreDumpCheckName.CoreDirectory);

        Assert.Equal(CheckStatus.Warning, check.StatusValue);
        Assert.Contains("dumps is a symbolic link (to " + rootOnly + ")", check.Message);
        Assert.Contains("mode 1777", check.Message);
        Assert.Contains("core_pattern", check.Remedy);
    }

    [Fact]
    public void ALinkInADirectoryOnlyRootCanWriteIsNotARedirect()
    {
        using var f = new CoreDumpFixture("dumps/core.%p");
        var own = f.Directory("srv/app");
        File.SetUnixFileMode(own, (UnixFileMode)Convert.ToInt32("0755", 8));
        File.CreateSymbolicLink(Path.Combine(own, "dumps"), f.Directory("var/crash"));
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv/app");

        Assert.Equal(CheckStatus.Pass, f.Inspect().Status(CoreDumpCheckName.CoreDirectory));
    }

    // fs.suid_dumpable against mysqld after it switched from root to mysql (the files of its /proc directory belong to root).
    [Theory]
    [InlineData(0, "/var/crash/core.%e.%p", CheckStatus.Fail, CoreDumpOutcome.NotWritten)]
    [InlineData(1, "/var/crash/core.%e.%p", CheckStatus.Warning, CoreDumpOutcome.Unknown)]
    [InlineData(2, "/var/crash/core.%e.%p", CheckStatus.Pass, CoreDumpOutcome.Written)]
    [InlineData(2, "core", CheckStatus.Fail, CoreDumpOutcome.NotWritten)]
    public void SuidDumpableDecidesForAProcessThatChangedCredentials(int suidDumpable, string pattern, CheckStatus status, CoreDumpOutcome outcome)
    {
        using var f = new CoreDumpFixture(pattern, suidDumpable: suidDumpable);
        File.SetUnixFileMode(f.Directory("var/crash"), (UnixFileMode)0x3FF); // 1777, as the incident's fix did
        f.Process("mysqld", Mysql, Mysql, coreLimit: null, cwd: "var/lib/mysql", commandLine: ["/usr/sbin/mysqld", "--core-file"]);

        var report = f.Inspect();

        var check = report.Check(CoreDumpCheckName.SuidDumpable);
        Assert.Equal(status, check.StatusValue);
        Assert.Contains($"fs.suid_dumpable = {suidDumpable}; not dumpable", check.Actual);
        Assert.Equal(outcome, report.Verdict.VerdictValue);
        if (status == CheckStatus.Fail && suidDumpable == 0) Assert.Contains("sysctl -w fs.suid_dumpable=2", check.Remedy);
        if (pattern == "core") Assert.Equal(CheckStatus.Fail, report.Status(CoreDumpCheckName.CorePattern));
    }

    [Fact]
    public void ASetuidProgramIsNotDumpableEvenAsRoot()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Process("passwd", [1000, 0, 0, 0], [1000, 1000, 1000, 1000], coreLimit: null, cwd: "home/u");

        var check = f.Inspect().Check(CoreDumpCheckName.SuidDumpable);

        Assert.Equal(CheckStatus.Fail, check.StatusValue);
        Assert.Contains("setuid", check.Actual);
    }

    [Fact]
    public void ARelativePatternNeedsTheProcessDirectoryWritableByItsUid()
    {
        using var f = new CoreDumpFixture("core", suidDumpable: 2);
        f.Process("mysqld", Mysql, Mysql, coreLimit: null, cwd: "var/lib/mysql"); // root-owned 0755
        File.SetUnixFileMode(Path.Combine(f.Root, "var/lib/mysql"), (UnixFileMode)0x1ED);

        var report = f.Inspect();

        // Dumping as root (fs.suid_dumpable = 2), it needs an absolute path: the pattern fails, the directory is checked as root.
        Assert.Equal(CheckStatus.Fail, report.Status(CoreDumpCheckName.CorePattern));
        Assert.Contains("root", report.Check(CoreDumpCheckName.CoreDirectory).Expected);
    }

    [Fact]
    public void AUnitsLimitCoreAndItsDropInsAreRead()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Write("lib/systemd/system/mysql.service", "[Unit]\nDescription=MySQL\n[Service]\nLimitCORE=0\nExecStart=/usr/sbin/mysqld\n");
        f.Process("mysqld", Root, Root, coreLimit: 0, cwd: "var/lib/mysql", cgroup: "0::/system.slice/mysql.service\n");

        var before = f.Inspect();
        Assert.Equal(CheckStatus.Warning, before.Status(CoreDumpCheckName.ServiceLimit));
        Assert.Contains("LimitCORE=0 in /lib/systemd/system/mysql.service", before.Check(CoreDumpCheckName.ServiceLimit).Actual);
        Assert.Contains("LimitCORE=infinity under [Service] of mysql.service", before.Check(CoreDumpCheckName.CoreLimit).Remedy);

        f.Write("etc/systemd/system/mysql.service.d/override.conf", "[Service]\nLimitCORE=infinity\n");
        var after = f.Inspect();
        Assert.Equal(CheckStatus.Pass, after.Status(CoreDumpCheckName.ServiceLimit));
        Assert.Contains("LimitCORE=infinity in /etc/systemd/system/mysql.service.d/override.conf", after.Check(CoreDumpCheckName.ServiceLimit).Actual);
    }

    [Fact]
    public void AContainerProcessWritesIntoItsOwnFileSystem()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("containers/web/var/crash");
        f.Process("nginx", Root, Root, coreLimit: null, cwd: "containers/web/srv", root: "containers/web");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.CoreDirectory)); // exists inside, not on the host
        var container = report.Check(CoreDumpCheckName.Container);
        Assert.Equal(CheckStatus.Info, container.StatusValue);
        Assert.Contains("resolved in its own file system", container.Message);
        Assert.Contains($"/proc/{CoreDumpFixture.Pid}/root/var/crash/core.nginx.{CoreDumpFixture.Pid}", container.Message);
        Assert.Contains("inside its root", report.Verdict.Destination);
    }

    [Fact]
    public void AJvmWithCreateCoredumpOnCrashOffFails()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Process("java", Root, Root, coreLimit: null, cwd: "srv",
            commandLine: ["java", "-Xmx1g", "-XX:-CreateCoredumpOnCrash", "-jar", "app.jar"],
            maps: "7f0000000000-7f0000100000 r-xp 00000000 08:01 1234 /usr/lib/jvm/java-17/lib/server/libjvm.so\n");

        var report = f.Inspect();

        var program = report.Check(CoreDumpCheckName.Program);
        Assert.Equal(CheckStatus.Fail, program.StatusValue);
        Assert.Contains("-XX:-CreateCoredumpOnCrash (command line)", program.Actual);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
    }

    [Fact]
    public void JavaToolOptionsCountForTheJvm()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Process("java", Root, Root, coreLimit: null, cwd: "srv", commandLine: ["java", "-jar", "app.jar"],
            environment: "PATH=/usr/bin\0JAVA_TOOL_OPTIONS=-XX:-CreateCoredumpOnCrash\0",
            maps: "7f0000000000-7f0000100000 r-xp 00000000 08:01 1234 /usr/lib/jvm/java-17/lib/server/libjvm.so\n");

        Assert.Equal(CheckStatus.Fail, f.Inspect().Status(CoreDumpCheckName.Program));
    }

    [Fact]
    public void MysqldReadsCoreFileFromItsOptionFilesAndIncludes()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Write("etc/mysql/my.cnf", "[client]\ncore-file\n!includedir /etc/mysql/conf.d/\n");
        f.Write("etc/mysql/conf.d/mysqld.cnf", "[mysqld]\nuser = mysql\n# core-file\n");
        f.Process("mysqld", Root, Root, coreLimit: null, cwd: "var/lib/mysql", commandLine: ["/usr/sbin/mysqld"]);

        var off = f.Inspect().Check(CoreDumpCheckName.Program);
        Assert.Equal(CheckStatus.Fail, off.StatusValue); // [client] does not count, nor a comment
        Assert.Contains("not set", off.Actual);

        f.Write("etc/mysql/conf.d/zz-core.cnf", "[mysqld]\ncore_file = ON\n");
        var on = f.Inspect().Check(CoreDumpCheckName.Program);
        Assert.Equal(CheckStatus.Pass, on.StatusValue);
        Assert.Contains("/etc/mysql/conf.d/zz-core.cnf:2", on.Actual);

        f.Write("etc/custom.cnf", "[mysqld]\nskip-core-file\n");
        f.Process("mysqld", Root, Root, coreLimit: null, cwd: "var/lib/mysql", commandLine: ["/usr/sbin/mysqld", "--defaults-file=/etc/custom.cnf"]);
        Assert.Equal(CheckStatus.Fail, f.Inspect().Status(CoreDumpCheckName.Program)); // --defaults-file: only that file
    }

    [Fact]
    public void TheSystemChecklistNamesTheDefaultServiceLimitAndLoginLimits()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p", usesPid: 0, suidDumpable: 2);
        f.Directory("var/crash");
        f.Write("etc/systemd/system.conf", "[Manager]\nDefaultLimitCORE=0:infinity\n");
        f.Write("etc/security/limits.conf", "# <domain> <type> <item> <value>\n*   soft   core   0\n@dev hard core unlimited\n");

        var report = f.InspectSystem();

        Assert.All(report.Checks, c => Assert.Null(c.ProcessId));
        Assert.Equal(CheckStatus.Fail, report.Status(CoreDumpCheckName.ServiceLimit));
        Assert.Contains("DefaultLimitCORE=0:infinity in /etc/systemd/system.conf", report.Check(CoreDumpCheckName.ServiceLimit).Actual);
        Assert.Contains("* soft core 0 (/etc/security/limits.conf:2)", report.Check(CoreDumpCheckName.LoginLimit).Actual);
        Assert.Equal(CheckStatus.Pass, report.Status(CoreDumpCheckName.SuidDumpable));
        Assert.Null(report.Verdict.ProcessId);
        Assert.Equal(CoreDumpOutcome.NotWritten, report.Verdict.VerdictValue);
    }

    [Fact]
    public void ASmallFileSizeLimitTruncatesTheCore()
    {
        using var f = new CoreDumpFixture("/var/crash/core.%e.%p");
        f.Directory("var/crash");
        f.Process("worker", Root, Root, coreLimit: null, cwd: "srv", fileSizeLimit: 1 << 20, residentKiB: 64 * 1024,
            maps: "7f0000000000-7f0004000000 rw-p 00000000 00:00 0 \n");

        var report = f.Inspect();

        Assert.Equal(CheckStatus.Warning, report.Status(CoreDumpCheckName.FileSizeLimit));
        Assert.Equal(CoreDumpOutcome.Truncated, report.Verdict.VerdictValue);
        Assert.Equal(64L << 20, report.Verdict.EstimatedCoreBytes - 4 * 4096); // RssAnon + 4 pages of notes
    }

    [Fact]
    public void AProcessThatDoesNotExistGivesNoReport() =>
        Assert.Null(new CoreDumpInspector("/tmp/diag-no-such-root").InspectProcess(CoreDumpFixture.Pid));
}
