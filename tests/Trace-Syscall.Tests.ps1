#Requires -Version 7.4
# Trace-Syscall as pwsh shows it: pipeline binding from Get-ThreadCpu, streaming with -Event and
# Select-Object -First, error records, default formatting, serialization. Needs root (ptrace) and
# the test target built by `dotnet test` (out/test-target/diag-test-target).

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
    $script:target = Get-DiagTestTargetPath

    # Long-running targets run under `spawn`: a PowerShell session cannot trace its own children
    # (.NET's child handling would take their trace stops), only grandchildren.
    function Start-Target { param([string[]] $Arguments) Start-DiagTestTarget -Arguments $Arguments }
    function Stop-Target { param($Target) Stop-DiagTestTarget $Target }
    function Get-TargetState { param([int] $ProcessId) Get-DiagProcessState $ProcessId }
}

Describe 'Trace-Syscall -FilePath (strace -c of a launched command)' {
    It 'counts exact calls and errors' {
        $summary = Trace-Syscall -FilePath $script:target -ArgumentList getppid, 250, 4
        $getppid = $summary | Where-Object Syscall -eq 'getppid'
        $getppid.Calls | Should -Be 250
        $getppid.Errors | Should -Be 0
        $failedOpens = $summary | Where-Object { $_.Syscall -in 'open', 'openat' -and $_.Errors -eq 4 }
        $failedOpens | Should -Not -BeNullOrEmpty
        $failedOpens.ErrorBreakdown | Should -Be 'ENOENT=4'
        $summary[0].PSObject.TypeNames | Should -Contain 'Diag.Linux.Tracing.SyscallSummary'
    }

    It 'sorts the summary by time, like strace -c, and ends with the total line' {
        $output = Trace-Syscall -FilePath $script:target -ArgumentList getppid, 100, 1
        $rows = $output | Where-Object Syscall
        $ticks = $rows | ForEach-Object { $_.TotalTime.Ticks }
        ($ticks -join ',') | Should -Be (($ticks | Sort-Object -Descending) -join ',')
        $total = $output[-1]
        $total.PSObject.TypeNames | Should -Contain 'Diag.Linux.Tracing.SyscallTraceTotal'
        $total.Calls | Should -Be ($rows | Measure-Object Calls -Sum).Sum
        $total.Errors | Should -Be ($rows | Measure-Object Errors -Sum).Sum
        $total.Syscalls | Should -Be $rows.Count
    }

    It 'filters by class and streams events with decoded arguments' {
        $events = Trace-Syscall -FilePath $script:target -ArgumentList getppid, 0, 2 -Syscall file -Event
        $opens = $events | Where-Object { $_.ArgumentText -like '*/nonexistent/diag-test-target*' }
        $opens.Count | Should -Be 2
        $opens | ForEach-Object { $_.Error | Should -Be 'ENOENT' }
        $events.Syscall | Should -Not -Contain 'getppid'
    }

    It 'follows forked children by default and not with -FollowFork:$false' {
        $followed = Trace-Syscall -FilePath $script:target -ArgumentList fork, 3, 5 -Syscall getppid
        ($followed | Where-Object Syscall -eq 'getppid').Calls | Should -Be 15
        $parentOnly = Trace-Syscall -FilePath $script:target -ArgumentList fork, 3, 5 -Syscall getppid -FollowFork:$false
        $parentOnly | Where-Object Syscall -eq 'getppid' | Should -BeNullOrEmpty
    }

    It 'shows who maps the 64 MiB malloc arenas (seed 004), as the help example does' {
        $events = Trace-Syscall -FilePath $script:target -ArgumentList arenas, 4 -Syscall brk, mmap, munmap -Event
        $events.Syscall | Should -Contain 'brk'
        $events[-1].PSObject.TypeNames[0] | Should -Be 'Diag.Linux.Tracing.ExitEvent' -Because 'the command''s exit ends its trace, as strace''s +++ exited with 0 +++'
        $events[-1].ExitCode | Should -Be 0
        $big = $events | Where-Object { $_.Syscall -eq 'mmap' -or $_.Syscall -eq 'munmap' } |
            Where-Object { $_.Arguments.Where({ $_.Name -eq 'length' }).RawValue -ge 64MB }
        $big | Should -Not -BeNullOrEmpty
        @($big | Where-Object Syscall -eq 'mmap')[0].ArgumentText | Should -Match 'PROT_NONE'
        @($big | Where-Object { $_.ThreadId -ne $_.ProcessId }).Count | Should -BeGreaterThan 0 -Because 'the arenas are made by the worker threads'
        ($big | Format-Table | Out-String) | Should -Match 'mmap'
    }

    It 'takes -Duration as seconds' {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $target = Start-Target progress
        try {
            $null = Trace-Syscall -Id $target.Pid -Duration 0.5
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because '0.5 must not be read as ticks or minutes'
        }
        finally { Stop-Target $target }
    }
}

Describe 'Trace-Syscall in the pipeline' {
    BeforeAll { $script:spinner = Start-Target recvfrom-spin }
    AfterAll { Stop-Target $script:spinner }

    It 'traces the hot thread that Get-ThreadCpu found (seed 000)' {
        $summary = Get-ThreadCpu -Id $script:spinner.Pid -Interval 0.5 |
            Where-Object ThreadName -eq 'NatThread' |
            Trace-Syscall -Duration 1
        $summary[0].Syscall | Should -Be 'recvfrom'
        $summary[0].Errors / $summary[0].Calls | Should -BeGreaterThan 0.95
        $summary[0].ErrorBreakdown | Should -BeLike 'EAGAIN=*'
        Get-TargetState $script:spinner.Pid | Should -Not -BeIn 't', 'T'
    }

    It 'binds -Id from Get-Process' {
        $summary = Get-Process -Id $script:spinner.Pid | Trace-Syscall -Duration 0.5
        $summary.Syscall | Should -Contain 'recvfrom'
    }

    It 'detaches when Select-Object -First stops the pipeline' {
        $events = Trace-Syscall -Id $script:spinner.Pid -Event | Select-Object -First 5
        $events.Count | Should -Be 5
        $events[0].PSObject.TypeNames | Should -Contain 'Diag.Linux.Tracing.SyscallEvent'
        Start-Sleep -Milliseconds 200
        Get-TargetState $script:spinner.Pid | Should -Not -BeIn 't', 'T'
        (Get-Content "/proc/$($script:spinner.Pid)/status" | Select-String '^TracerPid:').Line | Should -Match 'TracerPid:\s+0$'
    }

    It 'splits per thread with -ByThread and shows the thread columns' {
        $rows = Trace-Syscall -Id $script:spinner.Pid -Duration 0.5 -ByThread
        $rows.ThreadId | Should -Contain $script:spinner.Threads['NatThread']
        $rows[0].PSObject.TypeNames[0] | Should -Be 'Diag.Linux.Tracing.SyscallSummary#ByThread'
        ($rows | Out-String) | Should -Match 'TID'
    }

    It 'formats the summary like strace -c, in the invariant culture' {
        $text = Trace-Syscall -Id $script:spinner.Pid -Duration 0.3 | Out-String
        $text | Should -Match '% time'
        $text | Should -Match 'usecs/call'
        $text | Should -Match 'recvfrom'
        $text | Should -Match '\d\.\d{6}'
    }

    It 'survives a remoting-style serialization round trip' {
        $row = Trace-Syscall -Id $script:spinner.Pid -Duration 0.3 | Select-Object -First 1
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($row))
        $copy.Syscall | Should -Be $row.Syscall
        $copy.Calls | Should -Be $row.Calls
        $copy.TotalTime | Should -Be $row.TotalTime
        $copy.PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Tracing.SyscallSummary'
        ($copy | Out-String) | Should -Match 'usecs/call' -Because 'remoted objects keep the strace -c view'
    }
}

Describe 'Trace-Syscall errors' {

    It 'reports a command that cannot be launched as LaunchFailed' {
        $null = Trace-Syscall -FilePath /nonexistent/command -ErrorAction SilentlyContinue -ErrorVariable launchErrors
        $launchErrors.Count | Should -Be 1
        $launchErrors[0].FullyQualifiedErrorId | Should -Be 'LaunchFailed,Diag.Commands.TraceSyscallCommand'
    }

    It 'stops on an unknown syscall name and suggests the right one' {
        { Trace-Syscall -Id $PID -Syscall recvfrm -Duration 1 } |
            Should -Throw -ErrorId 'UnknownSyscall,Diag.Commands.TraceSyscallCommand' -ExpectedMessage '*recvfrom*'
    }

    It 'rejects a zero duration before tracing anything' {
        { Trace-Syscall -Id $PID -Duration 0 } | Should -Throw -ErrorId 'InvalidDuration,Diag.Commands.TraceSyscallCommand'
    }
}

Describe 'Trace-Syscall in jobs' {
    BeforeAll {
        # Jobs load Diag by name, as an installed module.
        $script:modulePath = Split-Path (Split-Path (Get-DiagModulePath))
    }

    It 'runs a launched command inside Start-Job without breaking the job (its output comes back as text)' {
        $job = Start-Job -ScriptBlock {
            param($ModulePath)
            $env:PSModulePath = $ModulePath + [IO.Path]::PathSeparator + $env:PSModulePath
            Trace-Syscall -FilePath /bin/echo -ArgumentList hi
            "exit=$LASTEXITCODE"
        } -ArgumentList $script:modulePath
        $output = $job | Wait-Job -Timeout 60 | Receive-Job -InformationVariable info
        $job.State | Should -Be 'Completed'
        $info.MessageData.Message | Should -Contain 'hi'
        $output[-1] | Should -Be 'exit=0'
        ($output | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Tracing.SyscallTraceTotal' }).ExitCode | Should -Be 0
        Remove-Job $job
    }

    It 'formats the summary that comes back from a job like strace -c, total line included' {
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $Target)
            $env:PSModulePath = $ModulePath + [IO.Path]::PathSeparator + $env:PSModulePath
            Trace-Syscall -FilePath $Target -ArgumentList getppid, 20, 1
        } -ArgumentList $script:modulePath, $script:target
        $rows = $job | Wait-Job -Timeout 60 | Receive-Job
        $text = $rows | Out-String -Width 120
        $text | Should -Match 'usecs/call'
        $text | Should -Match '\s20\s+getppid'
        $text | Should -Match '100\.00 .* total\s+\d+\.\d s, exit code 0'
        Remove-Job $job
    }

    It 'streams signals and exits with the calls, and they keep their view in a job' {
        $job = Start-Job -ArgumentList $script:modulePath -ScriptBlock {
            param($ModulePath)
            $env:PSModulePath = $ModulePath + [IO.Path]::PathSeparator + $env:PSModulePath
            Trace-Syscall -FilePath /bin/sh -ArgumentList '-c', 'trap : USR1; kill -USR1 $$; (exit 5); exit 3' -Syscall kill, wait4 -Event
        }
        $events = $job | Wait-Job -Timeout 60 | Receive-Job
        Remove-Job $job
        $signal = @($events | Where-Object Signal -eq 'SIGUSR1')
        $signal.Count | Should -Be 1
        $signal[0].Code | Should -Be 'SI_USER'
        $signal[0].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Tracing.SignalEvent'
        $sigchld = @($events | Where-Object Signal -eq 'SIGCHLD')
        $sigchld.Count | Should -Be 1
        $sigchld[0].ChildStatus | Should -Be 5
        @($events | Where-Object { $null -ne $_.ExitCode }).ExitCode | Should -Be @(5, 3)
        $text = $events | Out-String -Width 100
        $text | Should -Match '--- SIGUSR1 \{si_signo=SIGUSR1, si_code=SI_USER'
        $text | Should -Match '\+\+\+ exited with 3 \+\+\+'
    }
}

Describe 'Trace-Syscall -Backend' {
    It 'counts a summary in the kernel when it can, and says so' {
        $output = Trace-Syscall -FilePath $script:target -ArgumentList getppid, 77, 0 -Verbose 4>&1
        $verbose = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $rows = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match ': kernel: '
        ($rows | Where-Object Syscall -eq 'getppid').Calls | Should -Be 77
        $rows[-1].Backend | Should -Be 'Kernel'
        ($rows | Out-String -Width 120) | Should -Match 'total\s+\d+\.\d s, exit code 0, kernel'
    }

    It 'plots the latency histogram of a syscall' {
        $getppid = Trace-Syscall -FilePath $script:target -ArgumentList getppid, 500, 0 | Where-Object Syscall -eq 'getppid'
        ($getppid.LatencyHistogram | Measure-Object Count -Sum).Sum | Should -Be 500
        ($getppid.LatencyHistogram | Format-Table | Out-String) | Should -Match 'Count'
    }
}


# A root session that ptrace refuses is told the cause that holds, not "run as root": here a pwsh that runs as
# root without CAP_SYS_PTRACE (as in a default Docker container), against a server that switched to nobody.
Describe 'Trace-Syscall tells root why a process refuses it' -Skip:([Environment]::UserName -ne 'root') {
    BeforeAll {
        $script:nobody = Start-DiagTestTarget -Arguments credentials, 65534, 65534 -Via Direct
    }

    AfterAll {
        Stop-DiagTestTarget $script:nobody
    }

    It 'is AccessDenied with the grant as the remedy' {
        $probe = "Import-Module '$(Get-DiagModulePath)'; " +
            "`$null = Trace-Syscall -Id $($nobody.Pid) -Backend Ptrace -Duration 0.3 -ErrorAction SilentlyContinue -ErrorVariable e; " +
            "`$e[0].FullyQualifiedErrorId; `$e[0].ErrorDetails.RecommendedAction"
        $id, $remedy = & setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace -- (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $probe
        $id | Should -Be 'AccessDenied,Diag.Commands.TraceSyscallCommand'
        $remedy | Should -Match 'runs as root without CAP_SYS_PTRACE .* --cap-add SYS_PTRACE'
        Get-DiagProcessState $nobody.Pid | Should -Not -BeIn 't', 'T'
    }
}
