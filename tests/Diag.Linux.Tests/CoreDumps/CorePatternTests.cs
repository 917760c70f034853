using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>kernel.core_pattern parsed and expanded as fs/coredump.c does.</summary>
public sealed class CorePatternTests
{
    private static readonly CoreNameValues Mysqld = new()
    {
        Pid = 1, GlobalPid = 4242, Uid = 27, Gid = 27, Dumpable = 2, Host = "db1", Comm = "mysqld",
        ExecutablePath = "/usr/sbin/mysqld", CoreLimit = ulong.MaxValue,
    };

    [Theory]
    [InlineData("core", false, "", "core")]
    [InlineData("core", true, "", "core.1")]
    [InlineData("/var/crash/core.%e.%p", true, "/var/crash/", "core.mysqld.1")]       // %p: no ".PID" appended
    [InlineData("/var/crash/core.%e.%P", true, "/var/crash/", "core.mysqld.4242.1")]  // %P does not count as %p
    [InlineData("/var/crash/%u/core-%d-%c", false, "/var/crash/27/", "core-2-18446744073709551615")]
    [InlineData("cores/%h/core.%E", false, "cores/db1/", "core.!usr!sbin!mysqld")]
    [InlineData("core.%%.%q.%", false, "", "core.%..")]                               // %% is %, unknown and trailing % vanish
    [InlineData("/tmp/core.%t.%s", false, "/tmp/", "core.<time>.<signal>")]
    public void ExpandsLikeTheKernel(string pattern, bool usesPid, string directory, string name)
    {
        var expanded = CoreFileName.Expand(CorePattern.Parse(pattern), Mysqld, usesPid);
        Assert.Equal(directory, expanded.Directory);
        Assert.Equal(name, expanded.Name);
    }

    [Fact]
    public void UnknownValuesMatchAsWildcards()
    {
        var expanded = CoreFileName.Expand(CorePattern.Parse("/tmp/core.%e.%p.%t"), Mysqld, false);
        Assert.False(expanded.IsExact);
        Assert.True(expanded.NameMatch.IsMatch("core.mysqld.1.1732900000"));
        Assert.False(expanded.NameMatch.IsMatch("core.mysqld.2.1732900000"));
        Assert.False(expanded.NameMatch.IsMatch("core.mysqld.1."));
    }

    [Fact]
    public void AnUnknownExecutableMatchesAnyNameWithoutASlash()
    {
        var probe = new CoreNameValues { Comm = "diag-coreprobe", Pid = 42 };
        var expanded = CoreFileName.Expand(CorePattern.Parse("/var/crash/%E-%p"), probe, usesPid: true);
        Assert.Equal("<exe>-42", expanded.Name);
        Assert.True(expanded.NameMatch.IsMatch("!memfd:diag-core-probe (deleted)-42"));
        Assert.False(expanded.NameMatch.IsMatch("a/b-42"));
        Assert.False(expanded.NameMatch.IsMatch("x-43"));
    }

    [Fact]
    public void ACommThatWouldClimbDirectoriesIsEscaped()
    {
        var dots = new CoreNameValues { Comm = "..", Pid = 7 };
        Assert.Equal("core.!.", CoreFileName.Expand(CorePattern.Parse("core.%e"), dots, false).Name);
        var slash = new CoreNameValues { Comm = "a/b", Pid = 7 };
        Assert.Equal("core.a!b", CoreFileName.Expand(CorePattern.Parse("core.%e"), slash, false).Name);
    }

    [Fact]
    public void PipesAreSplitIntoTheHandlersArguments()
    {
        var pattern = CorePattern.Parse("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h");
        Assert.Equal(CorePatternKind.Pipe, pattern.Kind);
        Assert.Equal("/usr/lib/systemd/systemd-coredump", pattern.HandlerPath);
        Assert.Equal(8, pattern.HandlerArguments.Count);
        Assert.Null(pattern.Problem);
        Assert.NotNull(CorePattern.Parse("|").Problem);
    }

    [Theory]
    [InlineData("@/run/systemd/coredump", false, null)]
    [InlineData("@@/run/systemd/coredump", true, null)]
    [InlineData("@run/coredump", false, "a socket path must be absolute")]
    [InlineData("@/run/core dump", false, "a socket path may not contain spaces")]
    public void SocketsFollowTheKernelsRules(string text, bool requests, string? problem)
    {
        var pattern = CorePattern.Parse(text);
        Assert.Equal(CorePatternKind.Socket, pattern.Kind);
        Assert.Equal(requests, pattern.SocketRequestsMode);
        Assert.Equal(problem, pattern.Problem);
    }

    [Theory]
    [InlineData("core-file", null, true)]
    [InlineData("core_file", "ON", true)]
    [InlineData("loose-core-file", "1", true)]
    [InlineData("skip-core-file", null, false)]
    [InlineData("core-file", "0", false)]
    [InlineData("disable-core_file", null, false)]
    [InlineData("core-file-size", "unlimited", null)]
    public void MySqlBooleanOptions(string name, string? value, bool? expected) =>
        Assert.Equal(expected, MySqlOptionFiles.Boolean(name, value, "core-file"));
}
