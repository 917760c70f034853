namespace Diag.Linux.Packages.Origins;

/// <summary>Why a lookup gave no <see cref="FileOrigin"/>.</summary>
public enum FileOriginProblemKind
{
    /// <summary>Neither on disk nor listed by any package.</summary>
    PathNotFound,

    /// <summary>No executable of that name on PATH.</summary>
    CommandNotFound,

    /// <summary>The process does not exist (or exited while read).</summary>
    ProcessNotFound,

    /// <summary>Not permitted to read the process's /proc/PID/exe.</summary>
    ProcessAccessDenied,

    /// <summary>A kernel thread or a zombie: it runs no program file.</summary>
    NoProgram,
}

/// <summary>A lookup that gave nothing, with what it was (a path, a command name, a process ID) and a message.</summary>
public sealed record FileOriginProblem(FileOriginProblemKind Kind, object Target, string Message);
