namespace Diag.Commands.Infrastructure;

/// <summary>
/// Reads Ctrl+C as a key while a summarising trace runs, so that Ctrl+C ends the trace and the
/// summary is still written, as with <c>strace -c</c>. Without this, Ctrl+C stops the pipeline and
/// PowerShell discards anything written after it. Only on an interactive console; elsewhere
/// (redirected input, remoting) the normal pipeline stop applies.
/// </summary>
internal sealed class ConsoleInterrupt : IDisposable
{
    private readonly bool _active;
    private readonly bool _previous;

    private ConsoleInterrupt(bool active, bool previous)
    {
        _active = active;
        _previous = previous;
    }

    public static ConsoleInterrupt Capture()
    {
        try
        {
            if (Console.IsInputRedirected) return new ConsoleInterrupt(false, false);
            var previous = Console.TreatControlCAsInput;
            Console.TreatControlCAsInput = true;
            return new ConsoleInterrupt(true, previous);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            return new ConsoleInterrupt(false, false);
        }
    }

    /// <summary>Whether this console turns Ctrl+C into a key we read.</summary>
    public bool IsActive => _active;

    /// <summary>True once Ctrl+C was pressed; other keys are consumed and ignored.</summary>
    public bool Pressed()
    {
        if (!_active) return false;
        try
        {
            while (Console.KeyAvailable)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control)) return true;
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException) { }
        return false;
    }

    public void Dispose()
    {
        if (!_active) return;
        try { Console.TreatControlCAsInput = _previous; }
        catch (Exception e) when (e is IOException or InvalidOperationException) { }
    }
}
