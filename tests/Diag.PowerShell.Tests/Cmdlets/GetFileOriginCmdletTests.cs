using System.Diagnostics;
using System.Management.Automation;
using System.Text.RegularExpressions;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>
/// Get-FileOrigin and Test-PackageIntegrity run by PowerShell, re-enacting the init-at-30%-CPU incident: a copy of a
/// packaged program (sleep, from coreutils) planted under its own name in a directory put first on PATH, found through
/// Get-Command -All, -Command and the running process; binding from Get-Item and Get-FileOrigin itself; errors; the
/// views at 80 and 120 columns; what a job brings back.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GetFileOriginCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private const string OriginType = "Diag.Linux.Packages.Origins.FileOrigin";
    private readonly PowerShellSession _pwsh;
    private readonly string _dir = Directory.CreateTempSubdirectory($"diag-plant-cmdlet-{Environment.ProcessId}-").FullName;
    private readonly string _planted;

    public GetFileOriginCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _planted = Path.Combine(_dir, "sleep");
        File.Copy("/usr/bin/sleep", _planted);
        File.SetUnixFileMode(_planted, (UnixFileMode)0b111_001_001);
        _pwsh.SetVariable("plantDir", _dir);
        _pwsh.SetVariable("planted", _planted);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs a script with the planted directory first on PATH, restoring PATH after (PATH is the process's).</summary>
    private PowerShellResult WithPlantedPath(string script) =>
        _pwsh.Invoke($"$saved = $env:PATH; try {{ $env:PATH = \"${{plantDir}}:$env:PATH\"; {script} }} finally {{ $env:PATH = $saved }}");

    [Fact]
    public void GetCommandAllTellsThePlantedCopyFromThePackagedOne()
    {
        var output = WithPlantedPath("Get-Command sleep -All | Get-FileOrigin").AssertClean().Output;
        Assert.All(output, o => Assert.Equal(OriginType, o.TypeNames[0]));
        var planted = output[0];
        Assert.Equal(_planted, planted.Properties["Path"].Value);
        Assert.Equal("NotOwned", planted.Properties["Status"].Value.ToString());
        Assert.Equal(true, planted.Properties["RunsFirst"].Value);
        Assert.Equal($"{_planted} is owned by no package and shadows /usr/bin/sleep from package coreutils.", planted.Properties["Message"].Value);
        var real = output.Single(o => (string)o.Properties["Path"].Value == "/usr/bin/sleep");
        Assert.Equal("coreutils", real.Properties["Package"].Value);
        Assert.Equal("Ok", real.Properties["Status"].Value.ToString());
        Assert.Equal(false, real.Properties["RunsFirst"].Value);
    }

    [Fact]
    public void ARunningPlantedCopyIsNamedFromGetProcess()
    {
        using var process = Process.Start(_planted, "300")!;
        try
        {
            _pwsh.SetVariable("plantedPid", process.Id);
            var origin = WithPlantedPath("Get-Process -Id $plantedPid | Get-FileOrigin").AssertClean().Output.Single();
            Assert.Equal(process.Id, origin.Properties["ProcessId"].Value);
            Assert.Equal(_planted, origin.Properties["Path"].Value);
            Assert.Equal("NotOwned", origin.Properties["Status"].Value.ToString());
            var byId = _pwsh.Invoke("Get-FileOrigin -Id $plantedPid").AssertClean().Output.Single();
            Assert.Equal(_planted, byId.Properties["Path"].Value);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Theory]
    [InlineData("Get-FileOrigin /usr/bin/sleep")]
    [InlineData("Get-FileOrigin -LiteralPath /usr/bin/sleep")]
    [InlineData("Get-Item /usr/bin/sleep | Get-FileOrigin")]
    [InlineData("Get-ChildItem /usr/bin/slee? | Get-FileOrigin")]
    [InlineData("Get-FileOrigin /usr/bin/slee[p]")]
    [InlineData("Get-FileOrigin /usr/bin/sleep | Get-FileOrigin")]
    [InlineData("'/usr/bin/sleep' | Get-FileOrigin")]
    public void APathBindsFromEveryConventionalSource(string script)
    {
        var origin = _pwsh.Invoke(script).AssertClean().Output.Single();
        Assert.Equal("/usr/bin/sleep", origin.Properties["Path"].Value);
        Assert.Equal("coreutils", origin.Properties["Package"].Value);
    }

    [Fact]
    public void CommandListsEveryMatchInPathOrder()
    {
        var output = WithPlantedPath("Get-FileOrigin -Command sleep").AssertClean().Output;
        Assert.Equal(_planted, output[0].Properties["Path"].Value);
        Assert.Equal(1, output[0].Properties["PathOrder"].Value);
        var orders = output.Select(o => (int)o.Properties["PathOrder"].Value).ToList();
        Assert.Equal(orders.Order(), orders);
        Assert.Single(output, o => (bool)o.Properties["RunsFirst"].Value);
    }

    [Fact]
    public void ErrorsAreSpecificAndSayWhatToDo()
    {
        var missing = _pwsh.Invoke("Get-FileOrigin atd-no-such").SingleError();
        Assert.Equal("PathNotFound,Diag.Commands.GetFileOriginCommand", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.Contains("Get-FileOrigin -Command atd-no-such", missing.ErrorDetails.RecommendedAction);
        Assert.Equal("CommandNotFound,Diag.Commands.GetFileOriginCommand", _pwsh.Invoke("Get-FileOrigin -Command diag-no-such-command").SingleError().FullyQualifiedErrorId);
        Assert.Equal("NoProgramFile,Diag.Commands.GetFileOriginCommand", _pwsh.Invoke("Get-FileOrigin -Id 2").SingleError().FullyQualifiedErrorId);
        Assert.Equal("ProcessNotFound,Diag.Commands.GetFileOriginCommand", _pwsh.Invoke("Get-FileOrigin -Id 2147483647").SingleError().FullyQualifiedErrorId);
        Assert.Equal("NotAFileSystemPath,Diag.Commands.GetFileOriginCommand", _pwsh.Invoke("Get-FileOrigin Env:PATH").SingleError().FullyQualifiedErrorId);
        Assert.Equal("NoPackageFoundForGivenName,Diag.Commands.TestPackageIntegrityCommand", _pwsh.Invoke("Test-PackageIntegrity diag-no-such-package").SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void GetCommandOutputOfEveryKindBinds()
    {
        // A program by its path, an alias by the program it stands for; a cmdlet, an alias of one and a function are
        // refused by name, each on its own, instead of being looked up as files named like them in the current directory.
        var r = _pwsh.Invoke("Set-Alias diag-ls-alias /usr/bin/ls; function diag-function {}; " +
                             "Get-Command ls, Get-ChildItem, diag-ls-alias, gci, diag-function -CommandType Application, Cmdlet, Alias, Function | Get-FileOrigin");
        // -CommandType lists every ls on PATH (/usr/bin/ls, /bin/ls), then the alias's program.
        var paths = r.Output.Select(o => (string)o.Properties["Path"].Value).ToList();
        Assert.All(paths, p => Assert.Matches("^(/usr)?/bin/ls$", p));
        Assert.True(paths.Count >= 2);
        Assert.Equal("/usr/bin/ls", paths[^1]);
        Assert.Equal(3, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.Equal("ParameterArgumentTransformationError,Diag.Commands.GetFileOriginCommand", e.FullyQualifiedErrorId));
        Assert.Contains(r.Errors, e => e.Exception.Message.Contains("Get-ChildItem is a PowerShell cmdlet of module Microsoft.PowerShell.Management, not a program file"));
        Assert.Contains(r.Errors, e => e.Exception.Message.Contains("gci (Get-ChildItem) is a PowerShell cmdlet"));
        Assert.Contains(r.Errors, e => e.Exception.Message.Contains("diag-function is a PowerShell function"));
    }

    [Fact]
    public void TheDefaultViewReadsLikeDpkgSWithTheFindingsBelow()
    {
        var text = WithPlantedPath("Get-Command sleep -All | Get-FileOrigin | Out-String -Width 80").AssertClean().Output.Single().ToString();
        Assert.Contains($"(no package): {_planted}  [NotOwned]", text);
        // The view wraps findings at 78 columns between words, continuing them indented below.
        Assert.Matches($@"\n    {Regex.Escape(_planted)} is owned by no package(\s+\S+)*?\s+and\s+shadows\s+/usr/bin/sleep", text);
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 78, $"longer than 78 columns: {line}"));
        Assert.Matches(@"coreutils \S+: /usr/bin/sleep", text);
        var table = WithPlantedPath("Get-Command sleep -All | Get-FileOrigin | Format-Table | Out-String -Width 120").AssertClean().Output.Single().ToString();
        Assert.Matches(@"/usr/bin/sleep\s+Ok\s+coreutils\s+/usr/bin/sleep from package coreutils is shadowed", table);
    }

    [Fact]
    public void PackageIntegrityTakesTheFileOriginsPackage()
    {
        var summary = _pwsh.Invoke("Get-FileOrigin /usr/bin/sleep | Test-PackageIntegrity -Summary").AssertClean().Output.Single();
        Assert.Equal("Diag.Linux.Packages.Integrity.PackageIntegrity", summary.TypeNames[0]);
        Assert.Equal("coreutils", summary.Properties["Package"].Value);
        Assert.True((int)summary.Properties["FilesChecked"].Value > 50);
        var text = _pwsh.Format("Get-FileOrigin /usr/bin/sleep | Test-PackageIntegrity -Summary", 80);
        Assert.Matches(@"coreutils\s+Ok\s+\d+\s+0\s+0\s+\S+", text);
    }

    [Fact]
    public void ALongPathWrapsInTheIntegrityTableInsteadOfLosingItsFileName()
    {
        // libc6 ships files deep under /usr/lib/x86_64-linux-gnu (gconv's modules): longer than the 48 columns PATH has at 80.
        const string script = "Test-PackageIntegrity -Package libc6 -IncludeUnchanged | Where-Object { $_.Path.Length -gt 60 } | Select-Object -First 1";
        var path = (string)_pwsh.Invoke(script).AssertClean().Output.Single().Properties["Path"].Value;
        var text = _pwsh.Format(script, 80);
        Assert.DoesNotContain("…", text);
        var column = text.Split('\n').First(l => l.StartsWith("STATUS", StringComparison.Ordinal)).IndexOf("PATH", StringComparison.Ordinal);
        var rows = text.Split('\n').SkipWhile(l => !l.StartsWith("------", StringComparison.Ordinal)).Skip(1).Where(l => l.Length > column);
        Assert.Equal(path, string.Concat(rows.Select(l => l[column..].Trim())));
    }

    [Fact]
    public void CtrlCStopsAWholeSystemCheckWithoutErrors()
    {
        // Every package, every file: far longer than the second it is given; stopping must end the hashing threads.
        var r = _pwsh.InvokeAndStop("Test-PackageIntegrity -IncludeUnchanged", TimeSpan.FromSeconds(1));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(30), $"took {r.Elapsed}");
        Assert.Empty(r.Errors);
        Assert.True(r.Terminating is null or PipelineStoppedException, r.Terminating?.ToString());
    }

    [Fact]
    public void AJobBringsFindingsBackAsObjectsWithTheSameViews()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"$env:PATH = '{_dir}:' + $env:PATH; Get-FileOrigin -Command sleep").AssertClean().Output;
        Assert.All(remote, o => Assert.Contains("Deserialized." + OriginType, o.TypeNames));
        // Enums arrive by name, so filtering what a job or Invoke-Command returns works as on local objects.
        Assert.Equal("NotOwned", remote[0].Properties["Status"].Value);
        Assert.Equal("File", remote[0].Properties["Kind"].Value);
        var finding = (PSObject)Items(remote[0].Properties["Findings"].Value).First();
        Assert.Equal("Shadows", finding.Properties["Kind"].Value.ToString());
        Assert.Equal("/usr/bin/sleep", finding.Properties["RelatedPath"].Value);
        _pwsh.SetVariable("remote", remote.ToArray());
        var shown = _pwsh.Format("$remote", 200);
        Assert.True(shown.Contains($"(no package): {_planted}  [NotOwned]"), shown);
        _pwsh.SetVariable("remote", remote.Select(o => { o.Properties.Add(new PSNoteProperty("PSComputerName", "web1")); return o; }).ToArray());
        Assert.Matches(@"web1\s+\d* ?/\S*sleep", _pwsh.Format("$remote | Format-Table -View Fleet", 80));
    }

    /// <summary>A list property as remoting delivers it: a PSObject around an ArrayList.</summary>
    internal static IEnumerable<object> Items(object value) =>
        ((System.Collections.IEnumerable)(value is PSObject p ? p.BaseObject : value)).Cast<object>();
}
