using System.Management.Automation;

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
