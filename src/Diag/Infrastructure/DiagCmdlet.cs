using System.Management.Automation;
using Diag.Linux.ProcFs;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// Base of every Diag cmdlet: owns the cancellation token that <see cref="StopProcessing"/>
/// cancels (Ctrl+C, <c>Select-Object -First</c>), so engine work waiting on I/O, timers or a
/// tracer thread stops promptly. PowerShell 7.4 has no <c>PipelineStopToken</c> (7.6+), hence our own.
/// </summary>
public abstract class DiagCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Cancelled when the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing()
    {
        // StopProcessing runs on another thread while the pipeline thread may be blocked in the engine.
        try { _stopping.Cancel(); }
        catch (ObjectDisposedException) { }
        base.StopProcessing();
    }

    /// <summary>Writes one non-terminating error built by <see cref="DiagError"/>.</summary>
    protected void WriteDiagError(DiagError error) => WriteError(error.ToErrorRecord());

    /// <summary>The processes whose name matches one of <paramref name="names"/> (wildcards, case-insensitive), as
    /// Get-Process -Name matches; a name without wildcards that matches nothing is one error, as for Get-Process.</summary>
    /// <param name="names">The -Name values.</param>
    /// <param name="alternative">What the cmdlet does without -Name, when that is worth saying.</param>
    protected IReadOnlyList<int> FindProcessesByName(string[] names, string? alternative = null)
    {
        var pids = ProcessNameLookup.Find(names.Select(n => (Func<string, bool>)WildcardPattern.Get(n, WildcardOptions.IgnoreCase).IsMatch).ToArray(), out var matched);
        for (var i = 0; i < names.Length; i++)
            if (!matched[i] && !WildcardPattern.ContainsWildcardCharacters(names[i])) WriteDiagError(ProcessErrors.NoProcessForName(names[i], alternative));
        return pids;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }
}
