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
        # Not minutes (30 s) nor ticks: the parameter's own conversion, as the binder applies it.
        (Get-Command Get-ThreadCpu).Parameters['Interval'].Attributes |
            Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] } |
            ForEach-Object { $_.Transform($ExecutionContext, 0.5) } | Should -Be ([timespan]::FromMilliseconds(500))
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
        # Returning at all is the proof: a sampler that ignored the stop would run for ever.
        $samples = Get-ThreadCpu -Id $targetPid -Interval 0.2 -Continuous | Select-Object -First 12
        $samples.Count | Should -Be 12
        ($samples | Group-Object SampleTime).Count | Should -Be 3
    }

    It 'shows when each sample was taken to the millisecond in the list view' {
        $text = Get-ThreadCpu -Id $targetPid -Interval 0.2 | Select-Object -First 1 | Format-List | Out-String
        $text | Should -Match 'SampleTime\s+: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}'
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
        # Without BPF too: with it the task iterator reads every thread's call from the kernel, ptrace or not.
        $message = & setpriv --inh-caps=-sys_ptrace,-bpf,-perfmon,-sys_admin --bounding-set=-sys_ptrace,-bpf,-perfmon,-sys_admin -- $pwsh -NoProfile -NonInteractive -Command $probe
        $message | Should -Match "process $($nobody.Pid) \(diag-test-targe\)"
        $message | Should -Match 'runs as root without CAP_SYS_PTRACE .* --cap-add SYS_PTRACE'
        $message | Should -Not -Match 'run as root'
    }

    It 'says that root inside a user namespace is refused by processes outside it' {
        $message = & unshare --user --map-root-user -- $pwsh -NoProfile -NonInteractive -Command $probe
        $message | Should -Match "process $($nobody.Pid) \(diag-test-targe\)"
        $message | Should -Match 'root only inside a user namespace .* run on the host'
    }

    It 'warns nothing for root without CAP_SYS_PTRACE where BPF is allowed: the task iterator reads the calls' {
        $message = & setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace -- $pwsh -NoProfile -NonInteractive -Command $probe
        $message | Should -BeNullOrEmpty
    }

    It 'warns nothing for root on the host, which may read them' {
        Get-ThreadCpu -Id $nobody.Pid -Interval 0.2 -WarningVariable w -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
        $w | Should -BeNullOrEmpty
    }
}

# Where the kernel is allowed (root, or CAP_BPF and CAP_PERFMON) Get-ThreadCpu reads threads with a BPF task
# iterator and counts their system calls; without it, it falls back to taskstats or /proc and says so. The
# stand-in is the seed's server: its NatThread spins in recvfrom on a non-blocking socket.
Describe 'Get-ThreadCpu through the kernel and without it' -Skip:([Environment]::UserName -ne 'root') {
    BeforeAll {
        $script:vpn = Start-DiagTestTarget -Arguments recvfrom-spin -Name vpnserver -Via Daemon
        $script:pwsh = Join-Path $PSHOME 'pwsh'
        # One JSON line: the verbose messages, the sources and what the NAT thread's row says.
        $script:probe = "Import-Module '$(Get-DiagModulePath)'; " +
            "`$all = Get-ThreadCpu -Id $($vpn.Pid) -Interval 0.5 -Verbose 4>&1; " +
            "`$rows = `$all | Where-Object { `$_ -is [Diag.Linux.Threads.ThreadCpuSample] }; " +
            "`$nat = `$rows | Where-Object ThreadName -eq 'NatThread'; " +
            "[pscustomobject]@{ Verbose = @(`$all | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message); " +
            "Sources = @(`$rows.CpuTimeSource | Sort-Object -Unique); CurrentSyscall = `$nat.CurrentSyscall; TopSyscall = `$nat.TopSyscall; " +
            "Row = (`$nat | Out-String -Width 80).Trim() } | ConvertTo-Json -Compress"
    }

    AfterAll {
        Stop-DiagTestTarget $script:vpn
    }

    It 'Example 1 shows the spinning thread first with SYSCALL recvfrom and its rate, as its text says' {
        $example = (Get-Help Get-ThreadCpu -Examples).examples.example[0]
        $command = ($example.code -split "`r?`n")[0]
        $command | Should -Be 'Get-Process vpnserver | Get-ThreadCpu | Select-Object -First 3'
        ($example.remarks.Text -join ' ') | Should -Match 'SYSCALL recvfrom'
        $lines = (Invoke-Expression $command | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^\s*PID\s+TID\s+S\s+%CPU\s+SYSCALL\s+THREAD\s+PROCESS\s*$'
        # Other stand-ins named vpnserver may run on a shared machine: each one's NAT thread reads the same.
        $lines[2] | Should -Match '\bR\s+\d+\.\d\s+recvfrom [0-9.]+[kM]?/s\s+NatThread\s+vpnserver'
    }

    It 'reads through the task iterator as root and says so' {
        $r = & $pwsh -NoProfile -NonInteractive -Command $probe | ConvertFrom-Json
        $r.Sources | Should -Be 'TaskIterator'
        $r.Verbose -join ' ' | Should -Match 'BPF task iterator'
        $r.Verbose -join ' ' | Should -Match 'System calls are counted per thread in the kernel'
        $r.TopSyscall | Should -Be 'recvfrom'
    }

    It 'falls back to taskstats and says why where BPF is not allowed (root without CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)' {
        $caps = '-bpf,-perfmon,-sys_admin'
        $r = & setpriv --inh-caps=$caps --bounding-set=$caps -- $pwsh -NoProfile -NonInteractive -Command $probe | ConvertFrom-Json
        $r.Sources | Should -Be 'Taskstats'
        $r.Verbose -join ' ' | Should -Match 'The BPF task iterator is not used: loading a BPF program is not permitted'
        $r.Verbose -join ' ' | Should -Match 'System calls are not counted \(loading a BPF program is not permitted'
        # The /proc answer: the kernel cannot tell what a thread on a CPU is doing.
        $r.CurrentSyscall | Should -Be 'running'
        $r.TopSyscall | Should -BeNullOrEmpty
        $r.Row | Should -Match '\brunning\s+NatThread'
    }

    It 'keeps TopSyscall and its rate through Start-Job' {
        $job = Start-Job { param($m, $p) Import-Module $m; Get-ThreadCpu -Id $p -Interval 0.5 } -ArgumentList (Get-DiagModulePath), $vpn.Pid
        $rows = $job | Receive-Job -Wait -AutoRemoveJob
        $nat = $rows | Where-Object ThreadName -eq 'NatThread'
        $nat.TopSyscall | Should -Be 'recvfrom'
        $nat.TopSyscallPerSecond | Should -BeGreaterThan 0
        ($nat | Out-String -Width 80) | Should -Match 'recvfrom [0-9.]+[kM]?/s'
    }
}
