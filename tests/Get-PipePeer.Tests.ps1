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

    It 'never cuts a word of its message in the list view at 80 columns' {
        $endpoint = Get-PipePeer -Id $worker -FileDescriptor 1
        $text = $endpoint | Format-List | Out-String -Width 80
        $text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
        # Every word of the message is whole on one line (a cut word would be split across two).
        $lines = $text -split "`n"
        foreach ($word in $endpoint.Message -split ' ') {
            @($lines | Where-Object { $_.Contains($word) }).Count | Should -BeGreaterThan 0 -Because "'$word' must not be cut"
        }
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

# Where BPF is allowed the other processes' descriptors come from one pass of a task_file iterator; without it
# from /proc, one readlink per descriptor. Both must find the same holders, and -Verbose says which was used.
# (The messages may differ: readlink can be refused a process that the iterator reads, here a sandbox's init, and
# then the /proc scan's messages say that one process could not be inspected.)
Describe 'Get-PipePeer through the kernel and without it' -Skip:([Environment]::UserName -ne 'root') {
    BeforeAll {
        $script:pwsh = Join-Path $PSHOME 'pwsh'
        $inode = (Get-PipePeer -Id $writer -FileDescriptor 1).Inode
        $script:probe = "Import-Module '$(Get-DiagModulePath)'; " +
            "`$all = Get-PipePeer -Inode $inode -Verbose -WarningAction SilentlyContinue 4>&1; " +
            "[pscustomobject]@{ Verbose = @(`$all | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message); " +
            "Rows = @(`$all | Where-Object { `$_ -is [Diag.Linux.Pipes.PipeEndpoint] } | ForEach-Object { (`$_.ProcessId, `$_.ProcessName, `$_.FileDescriptor, `$_.Diagnosis, (`$_.Peers -join ','), `$_.BufferedBytes) -join ' ' }) } | ConvertTo-Json -Compress"
    }

    It 'reads through the task_file iterator as root and says so' {
        $r = & $pwsh -NoProfile -NonInteractive -Command $probe | ConvertFrom-Json
        $r.Verbose -join ' ' | Should -Match 'one pass of a BPF task_file iterator'
        $r.Rows.Count | Should -Be 2
    }

    It 'falls back to /proc and says why where BPF is not allowed, with the same holders and fill' {
        $caps = '-bpf,-perfmon,-sys_admin'
        $kernel = & $pwsh -NoProfile -NonInteractive -Command $probe | ConvertFrom-Json
        $proc = & setpriv --inh-caps=$caps --bounding-set=$caps -- $pwsh -NoProfile -NonInteractive -Command $probe | ConvertFrom-Json
        $proc.Verbose -join ' ' | Should -Match 'read from /proc .* the BPF task_file iterator is not used \(loading a BPF program is not permitted'
        $proc.Rows | Should -Be $kernel.Rows
        $proc.Rows -join ' ' | Should -Match ' 100( |$)'
    }
}
