using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Diag.PowerShell.Tests.Hosting;

/// <summary>
/// A PowerShell 7 runspace in this process with the built Diag module imported from out/Diag, as
/// <c>Import-Module ./out/Diag/Diag.psd1</c> does in pwsh. One per test class (an xunit class fixture):
/// scripts run one at a time, each sees the variables earlier ones set.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        Assert.True(File.Exists(TestEnvironment.ModuleManifest), $"{TestEnvironment.ModuleManifest} is missing: build src/Diag first");
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(TestEnvironment.ModuleManifest);
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        Invoke("$ErrorActionPreference = 'Continue'; $ProgressPreference = 'Continue'").AssertClean();
        SetVariable("TestTarget", TestEnvironment.TestTargetPath);
    }

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <summary>Runs a script; <paramref name="parameters"/> become its param() block's arguments.</summary>
    public PowerShellResult Invoke(string script, IDictionary? parameters = null) =>
        Run(script, parameters, stopAfter: null);

    /// <summary>Runs a script and stops it after <paramref name="stopAfter"/> as Ctrl+C would (PowerShell.Stop → StopProcessing).</summary>
    public PowerShellResult InvokeAndStop(string script, TimeSpan stopAfter, IDictionary? parameters = null) =>
        Run(script, parameters, stopAfter);

    /// <summary>The default formatting of a script's output at a console width, as the console shows it.</summary>
    public string Format(string script, int width) =>
        string.Join("\n", Invoke($"& {{ {script} }} | Out-String -Width {width}").AssertClean().Output.Select(o => o.ToString()));

    private PowerShellResult Run(string script, IDictionary? parameters, TimeSpan? stopAfter)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        if (parameters is not null) ps.AddParameters(parameters);
        var output = new PSDataCollection<PSObject>();
        var watch = Stopwatch.StartNew();
        RuntimeException? terminating = null;
        try
        {
            var async = ps.BeginInvoke<PSObject, PSObject>(null, output);
            if (stopAfter is { } delay && !async.AsyncWaitHandle.WaitOne(delay))
                ps.Stop();
            ps.EndInvoke(async);
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        watch.Stop();
        var streams = ps.Streams;
        return new PowerShellResult
        {
            Output = output.ToList(),
            Errors = streams.Error.ToList(),
            Warnings = streams.Warning.Select(w => w.Message).ToList(),
            Verbose = streams.Verbose.Select(v => v.Message).ToList(),
            Debug = streams.Debug.Select(d => d.Message).ToList(),
            Progress = streams.Progress.ToList(),
            Information = streams.Information.Select(i => i.MessageData?.ToString() ?? "").ToList(),
            Terminating = terminating,
            Elapsed = watch.Elapsed,
        };
    }

    public void Dispose() => _runspace.Dispose();
}
