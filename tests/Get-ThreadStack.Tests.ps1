# Pester 5 tests of Get-ThreadStack in a real pwsh: what a user types, composed with PowerShell's own
# cmdlets. Build first: dotnet build Diag.slnx (lays out out/Diag and out/test-target).
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # stacks: threads parked in known functions (tests/TestTarget/stacks.c); not a child of this session.
    $script:target = Start-DiagTestTarget -Arguments stacks
    $script:targetPid = $script:target.Pid
    $script:threads = $script:target.Threads
    # READY is printed before the main thread blocks reading stdin: wait until it does.
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while (-not (Get-Content -Raw "/proc/$targetPid/task/$targetPid/syscall").StartsWith('0 ') -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 5
    }
}

AfterAll {
    Stop-DiagTestTarget $script:target
}

Describe 'Get-ThreadStack' {
    It 'reads every thread of a process like pstack PID, and leaves it running' {
        $stacks = Get-ThreadStack -Id $targetPid
        $stacks.Count | Should -Be 6
        $stacks[0].PSObject.TypeNames | Should -Contain 'Diag.Linux.Stacks.ThreadStack'
        $nested = $stacks | Where-Object ThreadName -eq 'nested'
        $nested.Frames.Function | Should -Be @('pause', 'stack_nested_5', 'stack_nested_4', 'stack_nested_3', 'stack_nested_2',
            'stack_nested_1', 'stack_nested_thread', 'start_thread', '__clone3')
        $nested.Complete | Should -BeTrue
        $nested.StopDuration | Should -BeOfType [timespan]
        Get-DiagTracerPid $targetPid | Should -Be 0
        Get-DiagProcessState $targetPid | Should -Not -BeIn 't', 'T'
    }

    It 'reads the hottest thread Get-ThreadCpu found (the VPN server incident)' {
        $stack = Get-ThreadCpu -Id $targetPid -Interval 0.3 | Select-Object -First 1 | Get-ThreadStack
        @($stack).Count | Should -Be 1
        $stack.ThreadName | Should -Be 'spinner'
        $stack.Frames[0].Function | Should -Be 'stack_spin_loop'
        $stack.CurrentSyscall | Should -BeNullOrEmpty
    }

    It 'finds threads stuck at the same place with Group-Object Signature' {
        $groups = Get-ThreadStack -Id $targetPid | Group-Object { $_.Frames[0].Function } | Sort-Object Count -Descending
        $groups[0].Name | Should -Be 'pause'
        $groups[0].Count | Should -Be 2
        (Get-ThreadStack -Id $targetPid | Group-Object Signature).Count | Should -Be 6
    }

    It 'filters with Where-Object on what the thread was doing' {
        $receiver = Get-ThreadStack -Id $targetPid | Where-Object CurrentSyscall -eq 'recvfrom'
        $receiver.ThreadId | Should -Be $threads['receiver']
        $receiver.Frames[1].Function | Should -Be 'stack_blocking_recvfrom'
    }

    It 'prints like pstack at 80 and 120 columns' {
        foreach ($width in 80, 120) {
            $text = Get-ThreadStack -Id $targetPid -ThreadId $threads['signalled'] | Out-String -Width $width
            $text | Should -Match "Thread $($threads['signalled']) \(signalled\) of process $targetPid"
            $text | Should -Match '#0  0x[0-9a-f]{16} in pause \(\) from '
            $text | Should -Match '#2  <signal handler called>'
            $text | Should -Not -Match '…'
        }
    }

    It 'gives one line per thread with Format-Table' {
        $text = Get-ThreadStack -Id $targetPid | Format-Table | Out-String -Width 120
        $text | Should -Match 'SYSCALL'
        $text | Should -Match 'futex\s+syscall < stack_futex_wait < stack_futex_thread'
    }

    It 'folds identical stacks with -Unique' {
        $groups = Get-ThreadStack -Id $targetPid -Unique
        $groups[0].PSObject.TypeNames | Should -Contain 'Diag.Linux.Stacks.ThreadStackGroup'
        ($groups | Measure-Object Count -Sum).Sum | Should -Be 6
        ($groups | Out-String) | Should -Match '1 thread of process'
    }

    It 'keeps frames as objects in a job and prints them with the same view' {
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $ProcessId, $ThreadId)
            Import-Module $ModulePath
            Get-ThreadStack -Id $ProcessId -ThreadId $ThreadId
        } -ArgumentList (Get-DiagModulePath), $targetPid, $threads['nested']
        $stack = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force
        $stack.PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Stacks.ThreadStack'
        $stack.Frames[1].Function | Should -Be 'stack_nested_5'
        ($stack | Out-String) | Should -Match 'in stack_nested_5 \(\)'
    }

    It 'converts to JSON and CSV with readable values' {
        $stack = Get-ThreadStack -Id $targetPid -ThreadId $threads['waiter']
        $json = $stack | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Frames[1].Function | Should -Be 'stack_futex_wait'
        $json.CurrentSyscall | Should -Be 'futex'
        $csv = Join-Path $TestDrive 'stacks.csv'
        Get-ThreadStack -Id $targetPid | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 6
        ($rows | Where-Object ThreadName -eq 'waiter').Signature | Should -BeLike 'syscall < stack_futex_wait < *'
    }

    It 'names source lines with -SourceLine' {
        $frame = (Get-ThreadStack -Id $targetPid -ThreadId $threads['nested'] -SourceLine).Frames[2]
        $frame.SourceFile | Should -BeLike '*stacks.c'
        $frame.Line | Should -BeGreaterThan 0
    }
}

Describe 'Get-ThreadStack errors' {

    It 'refuses this session itself as Unsupported' {
        Get-ThreadStack -Id $PID -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'Unsupported,Diag.Commands.GetThreadStackCommand'
    }

}
