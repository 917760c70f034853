# Pester 5 tests of Get-PipePeer in a real pwsh: what users type (binding, composition with PowerShell's own
# cmdlets, the table at 80 and 120 columns, jobs, JSON and CSV). Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # The supervisord incident: a worker named php whose stdout pipe only its own fd 1066 reads, full, and
    # its parent gone. READY names the worker.
    $script:php = Start-DiagTestTarget -Arguments pipe-selfloop -Name php -Via Direct
    $script:worker = $script:php.Pid
    # writer | reader, 100 bytes waiting.
    $script:pipeline = Start-DiagTestTarget -Arguments pipeline, 100 -Via Direct
    $script:writer = $script:pipeline.Processes['writer']
    $script:reader = $script:pipeline.Processes['reader']
}

AfterAll {
    Stop-DiagTestTarget $script:php
    Stop-DiagTestTarget $script:pipeline
}

Describe 'Get-PipePeer' {
    It 'finds the leaked read end from Get-Process' {
        $stuck = Get-Process -Name php | Where-Object Id -eq $worker | Get-PipePeer | Where-Object Diagnosis -ne 'Ok'
        $stuck.FileDescriptor | Should -Be 1, 2, 1066, 1067
        $stuck.Diagnosis | Sort-Object -Unique | Should -Be 'SelfLoop'
        $stdout = $stuck | Where-Object FileDescriptor -eq 1
        "$($stdout.Peers)" | Should -Be "$worker php 1066r"
        $stdout.BufferedBytes | Should -Be $stdout.Capacity
        "$($stdout.BlockedThreads)" | Should -Be "$worker write(1)"
        $stdout.PSTypeNames | Should -Contain 'Diag.Linux.Pipes.PipeEndpoint'
    }

    It 'composes with Group-Object and Sort-Object' {
        $shared = Get-PipePeer -Id $reader, $writer | Where-Object BufferedBytes -eq 100 | Group-Object Inode
        $shared | Should -HaveCount 1
        $shared.Group | Should -HaveCount 2
        $shared.Group.ProcessId | Sort-Object | Should -Be ($writer, $reader | Sort-Object)
        (Get-PipePeer -Id $writer, $reader | Sort-Object ProcessId -Descending)[0].ProcessId | Should -Be ([math]::Max($writer, $reader))
    }

    It 'finds every holder of the pipe behind a descriptor with -Inode' {
        $holders = Get-PipePeer -Id $writer -FileDescriptor 1 | ForEach-Object { Get-PipePeer -Inode $_.Inode }
        $holders | ForEach-Object { "$($_.ProcessId):$($_.FileDescriptor)" } | Should -Be "${writer}:1", "${reader}:0"
    }

    It 'reads like lsof at 80 columns' {
        $lines = (Get-PipePeer -Id $worker | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^\s+PID PROCESS\s+FD KIND\s+DIAGNOSIS\s+PEERS\s*$'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        # As many peers as fit, then how many more.
        $lines -match "1066r pipe\s+SelfLoop\s+$worker php 1w(, $worker php 2w)? \+[12]\s*$" | Should -HaveCount 1
    }

    It 'shows the fill and the blocked thread at 120 columns' {
        $text = Get-PipePeer -Id $worker -FileDescriptor 1 | Out-String -Width 120
        $text | Should -Match 'BUFFERED BLOCKED'
        $text | Should -Match "1w pipe\s+SelfLoop\s+$worker php 1066r\s+(\d+)/\1 $worker write\(1\)"
        $text | Should -Not -Match '…'
    }

    It 'comes back from Start-Job with the same view' {
        $remote = Start-Job { param($module, $id) Import-Module $module; Get-PipePeer -Id $id -FileDescriptor 1 } -ArgumentList (Get-DiagModulePath), $worker |
            Receive-Job -Wait -AutoRemoveJob
        $remote.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.Pipes.PipeEndpoint'
        "$($remote.Diagnosis)" | Should -Be 'SelfLoop'
        "$($remote.Peers)" | Should -Be "$worker php 1066r"
        ($remote | Out-String -Width 120) | Should -Match "1w pipe\s+SelfLoop\s+$worker php 1066r\s+(\d+)/\1 $worker write\(1\)"
    }

    It 'converts to JSON with its peers and message' {
        $json = Get-PipePeer -Id $worker -FileDescriptor 1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Peers[0].FileDescriptor | Should -Be 1066
        $json.Message | Should -BeLike 'fd 1 writes to a pipe whose only reader is*leaked*'
        $json.BufferedBytes | Should -Be $json.Capacity
    }

    It 'exports to CSV with the peers joined as text' {
        $csv = Join-Path $TestDrive 'pipes.csv'
        Get-PipePeer -Id $worker | Select-Object ProcessId, FileDescriptor, Diagnosis, @{ n = 'Peers'; e = { $_.Peers -join ', ' } }, Message |
            Export-Csv $csv
        $rows = Import-Csv $csv
        ($rows | Where-Object FileDescriptor -eq 1).Peers | Should -Be "$worker php 1066r"
        ($rows | Where-Object FileDescriptor -eq 1).Diagnosis | Should -Be 'SelfLoop'
    }

    It 'scans the whole machine with -All and stops at Select-Object -First' {
        (Get-PipePeer -All | Where-Object { $_.ProcessId -eq $worker -and $_.Diagnosis -eq 'SelfLoop' }).Count | Should -Be 4
        @(Get-PipePeer -All | Select-Object -First 1).Count | Should -Be 1
    }

}
