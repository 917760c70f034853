# Pester 5 tests of Get-ThreadCpu in a real pwsh: what xunit cannot show (binding, errors, formatting,
# serialization). Build first: dotnet build Diag.slnx (lays out out/Diag and out/test-target).
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # threads 4 1: spin-0 spins, futex-1, nanosleep-2 and pause-3 sleep. The target exits when its stdin closes.
    $script:target = Start-DiagTestTarget -Arguments threads, 4, 1 -Via Direct
    $script:threads = $script:target.Threads
    $script:targetPid = $script:target.Pid
}

AfterAll {
    Stop-DiagTestTarget $script:target
}

Describe 'Get-ThreadCpu' {
    It 'takes processes from Get-Process and ranks the spinner first' {
        $samples = Get-Process -Id $targetPid | Get-ThreadCpu -Interval 0.5
        $samples.Count | Should -Be 5
        $samples[0].PSTypeNames | Should -Contain 'Diag.Linux.Threads.ThreadCpuSample'
        $samples[0].ThreadName | Should -Be 'spin-0'
        # Relations, not absolute figures: on a busy machine the spinner may get far less than a core.
        $samples[0].CpuPercent | Should -BeGreaterThan 0
        $sleepers = ($samples | Select-Object -Skip 1 | Measure-Object CpuPercent -Sum).Sum
        $samples[0].CpuPercent | Should -BeGreaterThan $sleepers
        ($samples | Where-Object ThreadName -eq 'futex-1').CurrentSyscall | Should -Be 'futex'
    }

    It 'writes NoProcessFoundForGivenName for a name that matches nothing' {
        Get-ThreadCpu -Name 'no-such-process-xyz' -Interval 0.1 -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'NoProcessFoundForGivenName,Diag.Commands.GetThreadCpuCommand'
    }

    It 'matches -Name wildcards against the untruncated process name' {
        $samples = Get-ThreadCpu -Name 'diag-test-tar*' -Interval 0.2 | Where-Object ProcessId -eq $targetPid
        $samples.Count | Should -Be 5
        $samples[0].ProcessName | Should -Be 'diag-test-target'
    }

    It 'reads -Interval 0.5 as half a second, not as ticks' {
        $sample = Get-ThreadCpu -Id $targetPid -ThreadId $threads['spin-0'] -Interval 0.5
        $sample.Interval | Should -BeOfType [timespan]
        $sample.Interval.TotalSeconds | Should -BeGreaterThan 0.4
        $sample.Interval.TotalSeconds | Should -BeLessThan 2
    }

    It 'keeps only the threads given to -ThreadId' {
        $tids = $threads['spin-0'], $threads['nanosleep-2']
        $samples = Get-ThreadCpu -Id $targetPid -ThreadId $tids -Interval 0.2
        $samples.ThreadId | Sort-Object | Should -Be ($tids | Sort-Object)
    }

    It 'composes with Sort-Object and Where-Object' {
        $sleepers = Get-ThreadCpu -Id $targetPid -Interval 0.3 |
            Where-Object CurrentSyscall -ne 'running' |
            Sort-Object ThreadName
        $sleepers.ThreadName | Should -Contain 'nanosleep-2'
        ($sleepers | Where-Object ThreadName -eq 'nanosleep-2').CurrentSyscall | Should -Be 'clock_nanosleep'
        ($sleepers | Where-Object ThreadName -eq 'pause-3').CurrentSyscall | Should -Be 'pause'
    }

    It 'streams one batch per sample with -Count' {
        $samples = Get-ThreadCpu -Id $targetPid -Interval 0.2 -Count 2
        $samples.Count | Should -Be 10
        ($samples | Group-Object SampleTime).Count | Should -Be 2
    }

    It 'runs -Continuous until Select-Object -First stops the pipeline' {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $samples = Get-ThreadCpu -Id $targetPid -Interval 0.2 -Continuous | Select-Object -First 12
        $samples.Count | Should -Be 12
        ($samples | Group-Object SampleTime).Count | Should -Be 3
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 20 -Because 'the sampler must stop when the pipeline does'
    }

    It 'rejects a zero interval' {
        { Get-ThreadCpu -Id $targetPid -Interval 0 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidInterval,Diag.Commands.GetThreadCpuCommand'
    }
}

Describe 'Get-ThreadCpu as a session uses it' {
    It 'comes back from Start-Job with the same table, state letter included' {
        $modulePath = Split-Path (Split-Path (Get-DiagModulePath))
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $TargetPid)
            $env:PSModulePath = $ModulePath + [IO.Path]::PathSeparator + $env:PSModulePath
            Get-ThreadCpu -Id $TargetPid -Interval 0.3
        } -ArgumentList $modulePath, $targetPid
        $rows = $job | Wait-Job -Timeout 60 | Receive-Job
        Remove-Job $job
        $rows.Count | Should -Be 5
        $rows[0].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Threads.ThreadCpuSample'
        $line = ($rows | Out-String -Width 120) -split "`n" | Where-Object { $_ -match 'pause-3' }
        $line | Should -Match "\s$($threads['pause-3'])\s+S\s"
        $line | Should -Match 'pause'
    }

    It 'exports readable CSV and JSON' {
        $sample = Get-ThreadCpu -Id $targetPid -ThreadId $threads['futex-1'] -Interval 0.2
        ($sample | ConvertTo-Json | ConvertFrom-Json).State | Should -Be 'Sleeping'
        ($sample | ConvertTo-Csv | ConvertFrom-Csv).CurrentSyscall | Should -Be 'futex'
    }

}

# What root is told when processes refuse it ptrace (their CurrentSyscall and WaitChannel stay empty): the
# cause that really holds, in a pwsh that runs as root without CAP_SYS_PTRACE (as in a default Docker
# container) and in one that is root only inside a user namespace. The target is a server that switched to nobody.
Describe 'Get-ThreadCpu tells root why a process refuses it' -Skip:([Environment]::UserName -ne 'root') {
    BeforeAll {
        $script:nobody = Start-DiagTestTarget -Arguments credentials, 65534, 65534 -Via Direct
        $script:pwsh = Join-Path $PSHOME 'pwsh'
        $script:probe = "Import-Module '$(Get-DiagModulePath)'; " +
            "`$null = Get-ThreadCpu -Id $($nobody.Pid) -Interval 0.2 -WarningVariable w -WarningAction SilentlyContinue; `$w.Message"
    }

    AfterAll {
        Stop-DiagTestTarget $script:nobody
    }

    It 'names the process and says that CAP_SYS_PTRACE was dropped' {
        $message = & setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace -- $pwsh -NoProfile -NonInteractive -Command $probe
        $message | Should -Match "process $($nobody.Pid) \(diag-test-targe\)"
        $message | Should -Match 'runs as root without CAP_SYS_PTRACE .* --cap-add SYS_PTRACE'
        $message | Should -Not -Match 'run as root'
    }

    It 'says that root inside a user namespace is refused by processes outside it' {
        $message = & unshare --user --map-root-user -- $pwsh -NoProfile -NonInteractive -Command $probe
        $message | Should -Match "process $($nobody.Pid) \(diag-test-targe\)"
        $message | Should -Match 'root only inside a user namespace .* run on the host'
    }

    It 'warns nothing for root on the host, which may read them' {
        Get-ThreadCpu -Id $nobody.Pid -Interval 0.2 -WarningVariable w -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
        $w | Should -BeNullOrEmpty
    }
}
