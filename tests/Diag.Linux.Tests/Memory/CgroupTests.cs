using Diag.Linux.Memory;

namespace Diag.Linux.Tests.Memory;

/// <summary>The memory limit of a process's cgroup: the MySQL container killed at initialisation, from its side.</summary>
public sealed class CgroupTests
{
    [Fact]
    public void CgroupV2TheLowestLimitOnThePathAppliesWithItsOomKills()
    {
        var root = Directory.CreateTempSubdirectory("diag-cgroup-");
        try
        {
            void Write(string path, string text)
            {
                var file = root.FullName + path;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, text);
            }
            Write("/proc/4242/cgroup", "0::/system.slice/mysql.service\n");
            Write("/proc/self/mountinfo", "25 30 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n");
            Write("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
            Write("/sys/fs/cgroup/system.slice/memory.max", "8589934592\n");
            Write("/sys/fs/cgroup/system.slice/memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\n");
            Write("/sys/fs/cgroup/system.slice/mysql.service/memory.max", "max\n");
            Write("/sys/fs/cgroup/system.slice/mysql.service/memory.current", "8480000000\n");

            var cgroup = CgroupMemory.Read(root.FullName, 4242)!;

            Assert.Equal(2, cgroup.Version);
            Assert.Equal("/system.slice/mysql.service", cgroup.Path);
            Assert.Equal(8L << 30, cgroup.LimitBytes);
            Assert.Equal("/system.slice", cgroup.LimitPath);
            Assert.Equal(8_480_000_000, cgroup.UsageBytes);
            Assert.Equal(2, cgroup.OomKills);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void CgroupV1ALimitSetOnTheProcessesCgroupIsFound()
    {
        var own = CgroupMemory.Read("/", Environment.ProcessId);
        Assert.True(own is { Version: 1 }, "this test needs the cgroup v1 memory controller the test machines have");
        var mount = "/sys/fs/cgroup/memory";
        var dir = $"{mount}{own!.Path}/diag-test-{Environment.ProcessId}";
        using var target = TargetProcess.Start("sleep");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText($"{dir}/memory.limit_in_bytes", "536870912");
            File.WriteAllText($"{dir}/cgroup.procs", target.Pid.ToString());

            var cgroup = CgroupMemory.Read("/", target.Pid)!;

            Assert.Equal($"{own.Path}/diag-test-{Environment.ProcessId}", cgroup.Path);
            Assert.Equal(512L << 20, cgroup.LimitBytes);
            Assert.Equal(cgroup.Path, cgroup.LimitPath);
            // Memory is charged where it was allocated (v1 moves no charge with the process), so usage starts near 0.
            Assert.InRange(cgroup.UsageBytes!.Value, 0, 512L << 20);
            Assert.Equal(0, cgroup.OomKills);
        }
        finally
        {
            target.Kill();
            Directory.Delete(dir);
        }
    }
}
