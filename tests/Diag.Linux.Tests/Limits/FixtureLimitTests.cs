using Diag.Linux.Limits;

namespace Diag.Linux.Tests.Limits;

/// <summary>
/// Limits a test machine cannot give a real process (its root has no CAP_SYS_RESOURCE, and fs.nr_open stops at 2^20):
/// the MySQL 5 host whose systemd unit set LimitNOFILE=infinity (2^30 - 8), and a login session under limits.conf,
/// as /proc and /etc show them.
/// </summary>
public sealed class FixtureLimitTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("diag-limits-");

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string path, string text)
    {
        var file = _root.FullName + path;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    private void Process(int pid, string name, int parent, uint uid, ulong nofileSoft, ulong nofileHard, string cgroup, int fds)
    {
        Write($"/proc/{pid}/limits", Limits(nofileSoft, nofileHard));
        Write($"/proc/{pid}/status", $"Name:\t{name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nPid:\t{pid}\nPPid:\t{parent}\n" +
            $"Uid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\nGroups:\t\nVmSize:\t  1200000 kB\nVmLck:\t       0 kB\nVmData:\t  800000 kB\n" +
            $"VmStk:\t     132 kB\nThreads:\t3\nSigQ:\t0/63704\n");
        Write($"/proc/{pid}/stat", $"{pid} ({name}) S {parent} {pid} {pid} 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1000 1228800000 2000 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n");
        Write($"/proc/{pid}/comm", name + "\n");
        Write($"/proc/{pid}/cgroup", cgroup + "\n");
        for (int fd = 0; fd < fds; fd++) Write($"/proc/{pid}/fd/{fd}", "");
    }

    private static string Limits(ulong nofileSoft, ulong nofileHard) =>
        "Limit                     Soft Limit           Hard Limit           Units     \n" +
        "Max cpu time              unlimited            unlimited            seconds   \n" +
        "Max file size             unlimited            unlimited            bytes     \n" +
        "Max data size             unlimited            unlimited            bytes     \n" +
        "Max stack size            8388608              unlimited            bytes     \n" +
        "Max core file size        0                    unlimited            bytes     \n" +
        "Max resident set          unlimited            unlimited            bytes     \n" +
        "Max processes             63704                63704                processes \n" +
        $"Max open files            {nofileSoft,-20} {nofileHard,-20} files     \n" +
        "Max locked memory         8388608              8388608              bytes     \n" +
        "Max address space         unlimited            unlimited            bytes     \n" +
        "Max file locks            unlimited            unlimited            locks     \n" +
        "Max pending signals       63704                63704                signals   \n" +
        "Max msgqueue size         819200               819200               bytes     \n" +
        "Max nice priority         0                    0                    \n" +
        "Max realtime priority     0                    0                    \n" +
        "Max realtime timeout      unlimited            unlimited            us        \n";

    [Fact]
    public void MysqldWithTheUnitsInfiniteOpenFilesIsTooHighAndTheUnitIsNamed()
    {
        Process(1, "systemd", 0, 0, 1024, 524288, "0::/init.scope", 60);
        Process(4242, "mysqld", 1, 27, 1073741816, 1073741816, "0::/system.slice/mysql.service", 40);
        Write("/etc/systemd/system/mysql.service", "[Unit]\nDescription=MySQL\n[Service]\nExecStart=/usr/sbin/mysqld\nLimitNOFILE=infinity\n");
        Write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nmysql:x:27:27:MySQL:/var/lib/mysql:/bin/false\n");

        using var reader = new ProcessLimitReader(_root.FullName);
        var nofile = reader.Read(4242, "mysqld").Limits.Single(l => l.ResourceValue == ResourceLimitKind.OpenFiles);

        Assert.Equal(1073741816UL, nofile.SoftLimit);
        Assert.Equal(40UL, nofile.Used);
        Assert.Equal(LimitStatus.TooHigh, nofile.StatusValue);
        Assert.Contains("MySQL 5 sizes its table cache", nofile.Note);
        Assert.Equal(LimitSource.SystemdUnit, nofile.SourceValue);
        Assert.Equal("LimitNOFILE=infinity in /etc/systemd/system/mysql.service", nofile.SourceDetail);
        Assert.Equal("mysql.service", nofile.ServiceUnit);
        Assert.Equal(1, nofile.ParentProcessId);
        Assert.Equal(1024UL, nofile.ParentSoftLimit);
        Assert.Equal(524288UL, nofile.ParentHardLimit);
        Assert.Equal("prlimit --pid 4242 --nofile=65536:65536", nofile.ChangeNow);
        Assert.StartsWith("systemctl edit mysql.service: [Service] LimitNOFILE=65536:65536, then systemctl restart mysql.service", nofile.ChangeLasting);
        Assert.Contains("open_files_limit=65535", nofile.ChangeLasting);
    }

    [Fact]
    public void AServiceWithoutTheDirectiveGetsSystemdsDefault()
    {
        Process(1, "systemd", 0, 0, 1024, 524288, "0::/init.scope", 60);
        Process(500, "nginx", 1, 0, 1024, 524288, "0::/system.slice/nginx.service", 900);
        Write("/etc/systemd/system.conf", "[Manager]\n#DefaultLimitNOFILE=1024:524288\n");

        using var reader = new ProcessLimitReader(_root.FullName);
        var nofile = reader.Read(500, "nginx").Limits.Single(l => l.ResourceValue == ResourceLimitKind.OpenFiles);

        // The same value as init's, but systemd set it when it started the service: the unit is what to change.
        Assert.Equal(LimitStatus.NearLimit, nofile.StatusValue);
        Assert.Equal(LimitSource.SystemdDefault, nofile.SourceValue);
        Assert.Equal("systemd's built-in default for services (1024:524288 since systemd 240): nginx.service sets no LimitNOFILE", nofile.SourceDetail);
        Assert.Equal("prlimit --pid 500 --nofile=2048:524288", nofile.ChangeNow);
        Assert.Equal("systemctl edit nginx.service: [Service] LimitNOFILE=2048:524288, then systemctl restart nginx.service", nofile.ChangeLasting);
        Write("/etc/systemd/system.conf.d/limits.conf", "[Manager]\nDefaultLimitNOFILE=1024:524288\n");
        using var again = new ProcessLimitReader(_root.FullName);
        Assert.Equal("DefaultLimitNOFILE=1024:524288 in /etc/systemd/system.conf.d/limits.conf (nginx.service sets no LimitNOFILE)",
            again.Read(500, "nginx").Limits.Single(l => l.ResourceValue == ResourceLimitKind.OpenFiles).SourceDetail);
    }

    [Fact]
    public void ALoginSessionNamesTheLimitsConfLineThatApplies()
    {
        Process(1, "systemd", 0, 0, 1024, 524288, "0::/init.scope", 60);
        Process(700, "sshd", 1, 0, 1024, 524288, "0::/system.slice/ssh.service", 10);
        Process(800, "bash", 700, 1000, 4096, 8192, "0::/user.slice/user-1000.slice/session-3.scope", 4);
        Process(900, "python3", 800, 1000, 4096, 8192, "0::/user.slice/user-1000.slice/session-3.scope", 3900);
        Write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n");
        Write("/etc/group", "root:x:0:\nalice:x:1000:\ndev:x:2000:alice\n");
        Write("/etc/security/limits.conf", "# defaults\n*    soft nofile 2048\n@dev soft nofile 4096\n@dev hard nofile 8192\n");

        using var reader = new ProcessLimitReader(_root.FullName);
        var nofile = reader.Read(900, "python3").Limits.Single(l => l.ResourceValue == ResourceLimitKind.OpenFiles);

        Assert.Equal(LimitSource.LoginSession, nofile.SourceValue);
        Assert.Equal(800, nofile.OriginProcessId);
        Assert.Contains("a login through sshd: pam_limits applies", nofile.SourceDetail);
        Assert.Contains("@dev soft nofile 4096 (/etc/security/limits.conf:3)", nofile.SourceDetail);
        Assert.Contains("inherited from bash (800)", nofile.SourceDetail);
        Assert.Equal(LimitStatus.NearLimit, nofile.StatusValue);
        Assert.StartsWith("/etc/security/limits.d/nofile.conf:", nofile.ChangeLasting);
    }
}
