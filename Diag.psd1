@{
    RootModule           = 'Diag.dll'
    ModuleVersion        = '0.2.0'
    GUID                 = '825a8062-c53c-46c8-9fb3-6390b05b72a6'
    Author               = 'The Diag developers'
    CompanyName          = 'Diag'
    Copyright            = '(c) 2026 The Diag developers. All rights reserved.'
    Description          = 'Linux troubleshooting as PowerShell objects: per-thread CPU (top -H) and syscall tracing (strace -c, strace -f -e) from native /proc and ptrace engines, composable in the pwsh pipeline.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Diag.Fleet after the others: its views are chosen by name (Format-Table -View Fleet), never a type's default.
    FormatsToProcess     = @('Diag.ThreadCpu.format.ps1xml', 'Diag.Syscall.format.ps1xml', 'Diag.Fleet.format.ps1xml')
    CmdletsToExport      = @('Get-ThreadCpu', 'Trace-Syscall')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'Diagnostics', 'Troubleshooting', 'top', 'strace', 'ptrace', 'procfs', 'PSEdition_Core')
            ReleaseNotes = @'
- Trace-Syscall no longer fails on every trace with "TimeSpan overflowed" (the progress clock started at TimeSpan.MinValue); a process started by the same session is refused as Unsupported with the -FilePath remedy while it runs.
- Tests run the cmdlets in a real PowerShell: pwsh 7.6.9 is pinned as a dotnet local tool (`dotnet tool restore`, then `dotnet pwsh`), Pester 5.7.1 comes from NuGet with the restore, and `dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test` runs the xunit suites (including cmdlets hosted in-process by Microsoft.PowerShell.SDK 7.6.9 and an out-of-process pwsh as Start-Job uses) and the Pester files, and ends with one count over both. Every help example and the README's PowerShell lines are run by a test. The module compiles against PowerShellStandard.Library 5.1.1.
- Trace-Syscall in jobs and remoting: a launched command never writes into pwsh's own output (the transport of Start-Job and SSH remoting): on an interactive console it shares the terminal as under strace, elsewhere it reads /dev/null and its output comes back as host text tagged Stdout/Stderr; -RedirectStandardInput, -RedirectStandardOutput and -RedirectStandardError send its streams to files, as Start-Process does.
- Trace-Syscall: -Duration is a deadline whatever the pipeline does (the targets are detached on time from a timer, and events still queued at the deadline are counted instead of written late); events the pipeline cannot take in time are reported once, per syscall, with how to avoid it. The run loop moved into the engine (SyscallTraceRun), which the cmdlet only enumerates.
- Trace-Syscall: the summary ends with strace -c's total line (a SyscallTraceTotal: calls, errors, time, and how the trace ended: Elapsed, EndReason, ExitCode or TerminatingSignal, DroppedEvents); a launched command's exit code is also in $LASTEXITCODE (128 + the signal when killed) and its exit is said once in the verbose stream. A zombie is reported as TargetExited (it waits for its parent, named in the remedy) instead of AccessDenied; a blank -Syscall filter is an error; a target that made no matching call says so. -Id takes several processes. Event rows show the call as strace prints it, wrapped instead of cut.
- Get-ThreadCpu: the table puts thread, state, %CPU and syscall first, so 80 columns keep them and 120 show TIME+, the container thread ID and the wait channel uncut; deserialized objects (Start-Job, Invoke-Command) keep the state letter. State and CpuTimeSource are names (and StateCode the letter), so ConvertTo-Json and Export-Csv read "Sleeping" and "Schedstat". UserPercent + SystemPercent now add up to CpuPercent (the tick-sampled split is applied to the nanosecond total). Kernel threads have no CurrentSyscall (IsKernelThread) instead of a false "read". -Count with -Continuous is refused when the parameters are bound. -Name is the first positional parameter, as for Get-Process; -Name and -Id tab-complete running processes. -Verbose says which counter source is used and why, -Debug what each sample cost. The permission warning names the processes and, for root, says they refuse even root instead of "run as root".
- Output objects are sealed classes with get-only properties and a readable ToString (records leaked `<Clone>$` and settable properties into PowerShell); all times are local (event timestamps were UTC). Help names incidents in words; error messages no longer show internal parameter names. The help's syntax blocks are generated from the cmdlets' metadata (./build.ps1 -Task Help) and a test fails when they drift.
'@
        }
    }
}
