using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Diag.PowerShell.Tests.Hosting;

/// <summary>
/// A pwsh process (the dotnet tool) driven over the out-of-process remoting protocol, exactly as
/// Start-Job runs its jobs: the script's output comes back serialized (Deserialized.* objects), and
/// the child's standard output is the transport. The module is imported there from out/Diag.
/// </summary>
public sealed class OutOfProcessSession : IDisposable
{
    private readonly PowerShellProcessInstance _process;
    private readonly Runspace _runspace;

    public OutOfProcessSession()
    {
        Assert.True(File.Exists(TestEnvironment.PwshPath), $"{TestEnvironment.PwshPath} is missing: run 'dotnet tool restore'");
        _process = new PowerShellProcessInstance();
        // PowerShellProcessInstance starts $PSHOME/pwsh, which an SDK host does not have; use the tool's.
        _process.Process.StartInfo.FileName = TestEnvironment.PwshPath;
        _runspace = RunspaceFactory.CreateOutOfProcessRunspace(TypeTable.LoadDefaultTypeFiles(), _process);
        _runspace.Open();
        Invoke($"Import-Module '{TestEnvironment.ModuleManifest}' -ErrorAction Stop").AssertClean();
    }

    /// <summary>Runs a script in the child pwsh; objects come back as remoting delivers them.</summary>
    public PowerShellResult Invoke(string script)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        RuntimeException? terminating = null;
        IReadOnlyList<PSObject> output = [];
        try
        {
            output = ps.Invoke().ToList();
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        return new PowerShellResult
        {
            Output = output,
            Errors = ps.Streams.Error.ToList(),
            Warnings = ps.Streams.Warning.Select(w => w.Message).ToList(),
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
            Debug = ps.Streams.Debug.Select(d => d.Message).ToList(),
            Progress = ps.Streams.Progress.ToList(),
            Information = ps.Streams.Information.Select(i => i.MessageData?.ToString() ?? "").ToList(),
            Terminating = terminating,
        };
    }

    public void Dispose()
    {
        _runspace.Dispose();
        _process.Dispose();
    }
}
