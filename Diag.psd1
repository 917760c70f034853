@{
    RootModule           = 'Diag.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '825a8062-c53c-46c8-9fb3-6390b05b72a6'
    Author               = 'The Diag developers'
    CompanyName          = 'Diag'
    Copyright            = '(c) 2026 The Diag developers. All rights reserved.'
    Description          = 'Linux troubleshooting as PowerShell objects: per-thread CPU (top -H) and syscall tracing (strace -c, strace -f -e) from native /proc and ptrace engines, composable in the pwsh pipeline.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Diag.ThreadCpu.format.ps1xml', 'Diag.Syscall.format.ps1xml')
    CmdletsToExport      = @('Get-ThreadCpu', 'Trace-Syscall')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'Diagnostics', 'Troubleshooting', 'top', 'strace', 'ptrace', 'procfs', 'PSEdition_Core')
            ReleaseNotes = @'
- Get-ThreadCpu: per-thread CPU like `top -H`, from the kernel's nanosecond run-time accounting (taskstats netlink as root, /proc schedstat otherwise, clock ticks only as a last fallback; the object says which), with thread names, state, last CPU, priority and nice, the current syscall read from /proc without ptrace ("running" for a thread on a CPU), wait channel, context switches and faults during the interval, and the thread's IDs inside its container (PID namespace). Accepts -Id, -Name (wildcards), Get-Process objects or nothing (every thread); -Interval takes seconds or a TimeSpan; -Count and -Continuous stream samples like `top -d -n`.
- Trace-Syscall: a native ptrace tracer (no strace binary) for a process (-Id), one thread (-ThreadId, from Get-ThreadCpu output) or a launched command (-FilePath, -ArgumentList, traced from its first syscall). A summary like `strace -c` (calls, errors with a per-errno breakdown, total/average/max wall time, share of time; -ByThread) or, with -Event, one object per call with decoded arguments like `strace -f -e`. Filters by syscall name, wildcard or class (file, network, memory, process, signal...); -Duration, Ctrl+C or the target's exit end it. Every traced thread is detached and continues on any end; signals reach the target; the session's own child processes are never reaped by the tracer. A launched command is traced from its execve without running any managed code in the forked child.
- Module: manifest for PowerShell 7.4+ (Core), default table views that read like top and strace, full help (`Get-Help Get-ThreadCpu -Full`, `about_Diag`), `build.ps1` (Build, Test, Package).
'@
        }
    }
}
