using System.Diagnostics;
using Diag.Linux.Privileges;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Tests.Privileges;

/// <summary>
/// The exec rules of man 7 capabilities on real files and real execs: a copy of a program with a file capability
/// (setxattr, as setcap cap_net_raw=+ep ping does) run as a non-root user through setpriv gains cap_net_raw; without
/// the effective flag only into Permitted; not under no_new_privs; not when the bounding set lacks it. Each outcome
/// is what <see cref="ExecCapabilities"/> predicts and what Get-ProcessCapability reads and explains.
/// </summary>
public sealed class ExecCapabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory($"diag-execcap-{Environment.ProcessId}-").FullName;
    private readonly string _program;

    public ExecCapabilityTests()
    {
        // nobody must reach the program: the temporary directory is 0700 by default.
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        _program = Path.Combine(_dir, "ping-like");
        File.Copy("/usr/bin/sleep", _program);
        File.SetUnixFileMode(_program, (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ulong NetRaw => 1UL << Capabilities.CapNetRaw;

    /// <summary>Runs the program as nobody through setpriv and reads its sets once the exec has happened.</summary>
    private (ProcessCapability Process, CapabilityCheck Check) RunAsNobody(params string[] setprivOptions)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardError = true };
        foreach (var o in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", .. setprivOptions, "--", _program, "300"]) start.ArgumentList.Add(o);
        using var process = Process.Start(start)!;
        try
        {
            // setpriv execs the program in the same process: wait for that exec, not for a time.
            while (ReadExe(process.Id) != _program)
            {
                if (process.HasExited) Assert.Fail("setpriv failed: " + process.StandardError.ReadToEnd());
                Thread.Sleep(5);
            }
            var read = Assert.Single(ProcessCapabilityReader.Read(process.Id)!);
            var check = Assert.Single(ProcessCapabilityReader.Check(process.Id, Capabilities.CapNetRaw)!);
            return (read, check);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private static string? ReadExe(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What setpriv hands to exec: nobody's ids, this session's permitted set (setpriv keeps it across the uid
    /// change, so that it can still apply its options) unless <paramref name="permitted"/> says otherwise, and this
    /// session's bounding set less what the options drop.</summary>
    private static CapabilitySets NobodyBeforeExec(bool noNewPrivs = false, ulong dropBounding = 0, ulong? permitted = null)
    {
        var self = CapabilitySets.Read("/proc/thread-self/status")!.Value.Sets;
        return new CapabilitySets(65534, 65534, 65534, 65534, 65534, 0, permitted ?? self.Permitted, 0, self.Bounding & ~dropBounding, 0, noNewPrivs, SeccompMode.Disabled, 0);
    }

    private static ulong Mask(IEnumerable<string> names) =>
        names.Aggregate(0UL, (set, n) => Capabilities.TryParse(n, out var c) ? set | 1UL << c : throw new InvalidOperationException(n));

    [Fact]
    public void AFileCapabilityGivesANonRootExecCapNetRaw()
    {
        var file = new FileCapabilityData(2, true, NetRaw, 0, null);
        FileCapabilityTests.SetCapabilities(_program, file);
        var (process, check) = RunAsNobody();

        Assert.Equal(65534u, process.UserId);
        Assert.Equal("nobody", process.UserName);
        Assert.Equal(["cap_net_raw"], process.Effective);
        Assert.Equal(["cap_net_raw"], process.Permitted);
        Assert.Equal("cap_net_raw=ep", process.Text);
        var predicted = ExecCapabilities.After(NobodyBeforeExec(), file)!.Value;
        Assert.Equal((predicted.Effective, predicted.Permitted), (Mask(process.Effective), Mask(process.Permitted)));
        Assert.True(check.Allowed);
        Assert.Equal($"ping-like ({process.ProcessId}) can use cap_net_raw: it is in the effective set.", check.Reason);
    }

    [Fact]
    public void WithoutTheEffectiveFlagItIsOnlyPermitted()
    {
        var file = new FileCapabilityData(2, false, NetRaw, 0, null);
        FileCapabilityTests.SetCapabilities(_program, file);
        var (process, check) = RunAsNobody();
        Assert.Empty(process.Effective);
        Assert.Equal(["cap_net_raw"], process.Permitted);
        Assert.Equal(ExecCapabilities.After(NobodyBeforeExec(), file)!.Value.Permitted, Mask(process.Permitted));
        Assert.False(check.Allowed);
        Assert.True(check.InPermitted);
        Assert.Contains("permitted set but not in its effective set", check.Reason);
    }

    [Fact]
    public void NoNewPrivsIgnoresTheFileCapability()
    {
        var file = new FileCapabilityData(2, true, NetRaw, 0, null);
        FileCapabilityTests.SetCapabilities(_program, file);
        // no_new_privs keeps exec from adding to what the thread had: a nobody process (an exec of setpriv itself as
        // nobody, which leaves nothing permitted) execs the program.
        var (process, check) = RunAsNobody("--no-new-privs", "--", "setpriv");
        Assert.True(process.NoNewPrivs);
        Assert.Empty(process.Permitted);
        Assert.Equal(0UL, ExecCapabilities.After(NobodyBeforeExec(noNewPrivs: true, permitted: 0), file)!.Value.Permitted);
        // Where the thread already had it (setpriv keeps root's permitted set until its exec), it keeps it.
        Assert.Equal(NetRaw, ExecCapabilities.After(NobodyBeforeExec(noNewPrivs: true), file)!.Value.Permitted);
        Assert.False(check.Allowed);
        Assert.Contains("no_new_privs is set", check.Reason);
    }

    [Fact]
    public void ACapabilityDroppedFromTheBoundingSetCannotBeGained()
    {
        // Without the effective flag the program runs, without the capability.
        var file = new FileCapabilityData(2, false, NetRaw, 0, null);
        FileCapabilityTests.SetCapabilities(_program, file);
        var (process, check) = RunAsNobody("--bounding-set=-net_raw");
        Assert.DoesNotContain("cap_net_raw", process.Bounding);
        Assert.Empty(process.Permitted);
        Assert.Equal(0UL, ExecCapabilities.After(NobodyBeforeExec(dropBounding: NetRaw), file)!.Value.Permitted);
        Assert.False(check.InBounding);
        Assert.Equal($"cap_net_raw is not in ping-like ({process.ProcessId})'s bounding set: it was dropped (by a container runtime, systemd " +
                     "CapabilityBoundingSet=, or capsh --drop) and no exec can give it back to this process or its children.", check.Reason);
    }

    [Fact]
    public void WithTheEffectiveFlagAnExecThatCannotGetEveryFileCapabilityIsRefused()
    {
        var file = new FileCapabilityData(2, true, NetRaw, 0, null);
        FileCapabilityTests.SetCapabilities(_program, file);
        Assert.Null(ExecCapabilities.After(NobodyBeforeExec(dropBounding: NetRaw), file));
        var start = new ProcessStartInfo("setpriv") { RedirectStandardError = true };
        foreach (var o in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--bounding-set=-net_raw", "--", _program, "0"]) start.ArgumentList.Add(o);
        using var setpriv = Process.Start(start)!;
        var error = setpriv.StandardError.ReadToEnd();
        setpriv.WaitForExit();
        Assert.NotEqual(0, setpriv.ExitCode);
        Assert.Contains("Operation not permitted", error); // EPERM from execve
    }

    [Fact]
    public void WithoutAFileCapabilityANonRootExecHasNone()
    {
        var (process, check) = RunAsNobody();
        Assert.Empty(process.Permitted);
        Assert.Equal("=", process.Text);
        Assert.False(check.Allowed);
        Assert.Contains("setcap cap_net_raw=+ep PROGRAM", check.Reason);
    }

    [Fact]
    public void RootInsideAUserNamespaceHoldsCapabilitiesOnlyThere()
    {
        // nobody makes a user namespace whose root is itself (unshare --map-root-user), as a rootless container does.
        var start = new ProcessStartInfo("setpriv") { RedirectStandardError = true };
        foreach (var o in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--", "unshare", "--user", "--map-root-user", "sleep", "300"])
            start.ArgumentList.Add(o);
        using var process = Process.Start(start)!;
        try
        {
            while (ReadExe(process.Id) is not { } exe || !exe.EndsWith("/sleep", StringComparison.Ordinal))
            {
                if (process.HasExited) Assert.Fail("unshare failed: " + process.StandardError.ReadToEnd());
                Thread.Sleep(5);
            }
            var sets = Assert.Single(ProcessCapabilityReader.Read(process.Id)!);
            Assert.False(sets.InInitialUserNamespace);
            Assert.Equal(65534u, sets.UserNamespaceRootUid);
            Assert.Equal(65534u, sets.UserId); // as this (the initial) namespace sees it
            Assert.Contains("cap_net_raw", sets.Effective);
            var check = Assert.Single(ProcessCapabilityReader.Check(process.Id, Capabilities.CapNetRaw)!);
            Assert.True(check.Allowed);
            Assert.Contains($"only inside its user namespace {sets.UserNamespace} (whose root is uid 65534 outside)", check.Reason);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public void ThisSessionShowsItsOwnSecurebitsAndEveryThread()
    {
        var groups = ProcessCapabilityReader.Read(Environment.ProcessId)!;
        var threads = groups.SelectMany(g => g.ThreadIds).ToList();
        Assert.Contains(Environment.ProcessId, threads); // the main thread
        Assert.True(threads.Count > 1 && threads.Distinct().Count() == threads.Count, "each thread once: " + string.Join(",", threads));
        Assert.All(groups, g => Assert.NotNull(g.Securebits));
        Assert.True(groups[0].InInitialUserNamespace);
        Assert.Null(ProcessCapabilityReader.Read(int.MaxValue));
    }
}
