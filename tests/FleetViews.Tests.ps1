# Pester 5: every output type that comes back from a job or a remote host has a Fleet view that puts the host first
# and fits 80 columns (Format-Table -View Fleet). Start-Job results carry PSComputerName (localhost) as remoting's do;
# Fleet.Tests.ps1 does the same over SSH for the fleet's own commands. Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
    $script:target = Start-DiagTestTarget -Arguments stacks
    $script:pipes = Start-DiagTestTarget -Arguments pipe-selfloop
    $script:results = Start-Job -ScriptBlock {
        param($module, $stackPid, $pipePid)
        Import-Module $module
        Get-ThreadStack -Id $stackPid
        Get-ThreadStack -Id $stackPid -Unique
        Get-PipePeer -Id $pipePid
        ConvertFrom-Toa -Hex c80830390a0a0101
        '17:53:20.123456 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0' | ConvertFrom-Toa
        Trace-Syscall -FilePath /bin/true -Backend Ptrace
        Trace-Syscall -FilePath /bin/true -Event -Syscall execve, exit_group
    } -ArgumentList (Get-DiagModulePath), $script:target.Pid, $script:pipes.Pid | Receive-Job -Wait -AutoRemoveJob
}

AfterAll {
    Stop-DiagTestTarget $script:target
    Stop-DiagTestTarget $script:pipes
}

Describe 'Fleet views of remoted objects' {
    It 'shows the host first and fits 80 columns for <_>' -ForEach @(
        'Diag.Linux.Stacks.ThreadStack', 'Diag.Linux.Stacks.ThreadStackGroup', 'Diag.Linux.Pipes.PipeEndpoint',
        'Diag.Linux.Toa.ToaRecord', 'Diag.Linux.Tracing.SyscallSummary', 'Diag.Linux.Tracing.SyscallTraceTotal',
        'Diag.Linux.Tracing.SyscallEvent', 'Diag.Linux.Tracing.ExitEvent') {
        $type = $_
        $objects = @($script:results | Where-Object { $_.PSObject.TypeNames -contains "Deserialized.$type" })
        $objects.Count | Should -BeGreaterThan 0 -Because "the job returned $type objects"
        $text = $objects | Format-Table -View Fleet | Out-String -Width 80
        $lines = $text -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^HOST\b'
        # Each row starts with its host; a wrapped row goes on under its own columns.
        @($lines | Select-Object -Skip 2 | Where-Object { $_ -match '^localhost\s' }).Count | Should -BeGreaterThan 0
        $lines | Select-Object -Skip 2 | Where-Object { $_ -notmatch '^(localhost\s|\s)' } | Should -BeNullOrEmpty
        $lines | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
    }

    It 'keeps the time of day, the client and the server of a TOA' {
        $text = $script:results | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Toa.ToaRecord' -and $_.TimeOfDay } |
            Format-Table -View Fleet | Out-String -Width 80
        $text | Should -Match 'localhost\s+10\.10\.1\.1\s+12345 2\.2\.2\.2:80\s+17:53:20\.123456'
    }
}
