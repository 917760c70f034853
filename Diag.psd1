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
    TypesToProcess       = @('Diag.ThreadStack.types.ps1xml')
    FormatsToProcess     = @('Diag.ThreadCpu.format.ps1xml', 'Diag.Syscall.format.ps1xml', 'Diag.ThreadStack.format.ps1xml')
    CmdletsToExport      = @('Get-ThreadCpu', 'Trace-Syscall', 'Get-ThreadStack')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'Diagnostics', 'Troubleshooting', 'top', 'strace', 'ptrace', 'procfs', 'PSEdition_Core')
            ReleaseNotes = @'
- Trace-Syscall no longer fails on every trace with "TimeSpan overflowed" (the progress clock started at TimeSpan.MinValue); a process started by the same session is refused as Unsupported with the -FilePath remedy while it runs.
- Tests run the cmdlets in a real PowerShell: pwsh 7.6.9 is pinned as a dotnet local tool (`dotnet tool restore`, then `dotnet pwsh`), Pester 5.7.1 comes from NuGet with the restore, and `dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test` runs the xunit suites (including cmdlets hosted in-process by Microsoft.PowerShell.SDK 7.6.9 and an out-of-process pwsh as Start-Job uses) and the Pester files, and ends with one count over both. Every help example and the README's PowerShell lines are run by a test. The module compiles against PowerShellStandard.Library 5.1.1.
'@
        }
    }
}
