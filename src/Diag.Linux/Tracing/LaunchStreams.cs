namespace Diag.Linux.Tracing;

/// <summary>Where one standard stream of a launched command goes.</summary>
public enum LaunchStreamMode
{
    /// <summary>The command shares the stream of the process that launches it (a terminal, as under strace).</summary>
    Inherit,

    /// <summary>/dev/null: no input, output discarded.</summary>
    Null,

    /// <summary>Output read through a pipe and handed to the caller line by line (never written to the caller's own stdout).</summary>
    Capture,

    /// <summary>A file: read for input; created or truncated for output.</summary>
    File,
}

/// <summary>One standard stream's destination: a mode, and the path for <see cref="LaunchStreamMode.File"/>.</summary>
public sealed record LaunchStream(LaunchStreamMode Mode, string? Path = null)
{
    public static LaunchStream Inherit { get; } = new(LaunchStreamMode.Inherit);
    public static LaunchStream Null { get; } = new(LaunchStreamMode.Null);
    public static LaunchStream Capture { get; } = new(LaunchStreamMode.Capture);
    public static LaunchStream ToFile(string path) => new(LaunchStreamMode.File, path);
}

/// <summary>The standard input, output and error of a launched command.</summary>
public sealed record LaunchStreamSettings(LaunchStream Input, LaunchStream Output, LaunchStream Error)
{
    /// <summary>Everything shared with the launching process, as strace does in a terminal.</summary>
    public static LaunchStreamSettings InheritAll { get; } = new(LaunchStream.Inherit, LaunchStream.Inherit, LaunchStream.Inherit);

    /// <summary>For a launcher whose own streams are a transport (a job, a remoting session): no input,
    /// output and errors captured.</summary>
    public static LaunchStreamSettings CaptureAll { get; } = new(LaunchStream.Null, LaunchStream.Capture, LaunchStream.Capture);
}

/// <summary>A line the launched command wrote to a captured stream.</summary>
public sealed class LaunchedOutputLine
{
    internal LaunchedOutputLine(int processId, bool isError, string text)
    {
        ProcessId = processId;
        IsError = isError;
        Text = text;
    }

    /// <summary>The launched command's process id.</summary>
    public int ProcessId { get; }

    /// <summary>True for standard error, false for standard output.</summary>
    public bool IsError { get; }

    /// <summary>The line, without its end of line.</summary>
    public string Text { get; }

    public override string ToString() => Text;
}
