namespace Diag.Linux.Privileges;

/// <summary>A thread's seccomp mode (the Seccomp line of /proc/PID/status).</summary>
public enum SeccompMode
{
    Disabled = 0,

    /// <summary>read, write, _exit and sigreturn only.</summary>
    Strict = 1,

    /// <summary>BPF filters decide each system call (containers, systemd SystemCallFilter=, browsers).</summary>
    Filter = 2,
}
