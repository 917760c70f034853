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
RELEASE_NOTES_PLACEHOLDER_FILLED_AT_RELEASE
'@
        }
    }
}
