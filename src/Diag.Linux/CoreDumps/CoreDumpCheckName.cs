namespace Diag.Linux.CoreDumps;

/// <summary>What one <see cref="CoreDumpCheck"/> looks at.</summary>
/// <remarks>Values start at 1, so that every value is true in PowerShell: Where-Object Check (or Status, Verdict) keeps them all.</remarks>
public enum CoreDumpCheckName
{
    /// <summary>The process's RLIMIT_CORE, soft and hard (ulimit -c).</summary>
    CoreLimit = 1,

    /// <summary>The systemd unit's LimitCORE=, or systemd's DefaultLimitCORE= for services.</summary>
    ServiceLimit,

    /// <summary>The core limit pam_limits gives a new login session (/etc/security/limits.conf).</summary>
    LoginLimit,

    /// <summary>kernel.core_pattern: a file name (absolute or relative), a pipe to a handler, or a socket.</summary>
    CorePattern,

    /// <summary>The program core_pattern pipes to: present and executable, which one it is.</summary>
    PipeHandler,

    /// <summary>Whether the handler keeps the core (systemd-coredump Storage= and size limits, apport, abrt).</summary>
    HandlerStorage,

    /// <summary>The directory the core file is created in: exists, writable with the process's credentials.</summary>
    CoreDirectory,

    /// <summary>Free space where the core lands against the core's estimated size.</summary>
    FreeSpace,

    /// <summary>Whether a second crash overwrites the first core (no %p in the pattern and kernel.core_uses_pid = 0).</summary>
    CoreFileName,

    /// <summary>fs.suid_dumpable against the process's credentials (changed uid/gid, setuid or capability binary).</summary>
    SuidDumpable,

    /// <summary>The process's RLIMIT_FSIZE, which truncates core files.</summary>
    FileSizeLimit,

    /// <summary>kernel.core_pipe_limit: how many crashes may be piped at once, and whether the kernel waits for the handler.</summary>
    PipeLimit,

    /// <summary>Whether the process catches SIGSEGV, SIGBUS or SIGABRT itself.</summary>
    SignalHandler,

    /// <summary>A program-specific switch (mysqld core-file, Go GOTRACEBACK, JVM CreateCoredumpOnCrash).</summary>
    Program,

    /// <summary>A process in another PID or mount namespace: where its core would land.</summary>
    Container,

    /// <summary>-Verify: a probe process crashed with the process's settings, and what it left.</summary>
    Probe,
}
