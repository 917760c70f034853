#Requires -Version 7.4
# Diag across a fleet: the cmdlets over PowerShell's SSH remoting (Invoke-Command -HostName), against
# real sshd hosts that this file starts and takes down (TestSupport/DiagFleet.psm1): each in its own
# network namespace with its own address, or on loopback ports where namespaces are not permitted (the
# output says which). Needs root, sshd and iproute2 (.ci/run installs them).
#
# The hosts: web1, web2, web3 with this Diag, copied by tools/Copy-DiagModule.ps1 (Copy-Item
# -ToSession) into each host's own module folder; 'bare' without Diag; 'old' with another version;
# 'down' (an address, no sshd) and 'refusing' (sshd refuses the key). All of them see this machine's
# /proc, so a stand-in started here (nginx, vpnserver) is on every host, and a remote tracer shows in
# its /proc/PID/status.
#
# To add a cmdlet's fleet test: a Describe before the README ones that uses $web (the host records), $sessions (open
# sessions to web1..web3, in that order) and, if needed, a stand-in started in its own BeforeAll:
#
#     Describe 'Get-PipePeer across hosts' {
#         It 'brings back the pipe of every host, each row naming its host' {
#             $rows = Invoke-Command -Session $sessions { Get-PipePeer -Id $using:nginxPid }
#             @($rows | Group-Object PSComputerName).Count | Should -Be $sessions.Count
#             ($rows | Out-String -Width 120) | Should -Match 'PSComputerName'
#         }
#     }
#
# The module check (tools/Test-DiagModule.ps1), the README runner and the fan-out measurement name no
# cmdlet: they need no change when cmdlets are added.

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module "$PSScriptRoot/TestSupport/DiagFleet.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
    $script:repo = Split-Path $PSScriptRoot
    $script:modulePath = Split-Path (Get-DiagModulePath)
    $script:version = (Import-PowerShellDataFile (Get-DiagModulePath)).ModuleVersion

    $script:fleet = New-DiagFleet -Name web1, web2, web3, bare, old, down, refusing -Down down -Refusing refusing
    Write-Host "Fleet: $($fleet.Hosts.Count) hosts in $($fleet.Mode) mode ($($fleet.ModeReason)): $(($fleet.Hosts | ForEach-Object { "$($_.Name)=$($_.HostName)" }) -join ' ')"
    # What a user's ~/.ssh/config would hold: the key, the known hosts, no prompt.
    foreach ($key in $fleet.DefaultParameterValues.Keys) { $global:PSDefaultParameterValues[$key] = $fleet.DefaultParameterValues[$key] }
    $script:byName = @{}
    foreach ($h in $fleet.Hosts) { $byName[$h.Name] = $h }
    $script:web = @($fleet.Hosts | Where-Object Name -like 'web*')

    $script:sessions = @(New-PSSession -HostName $web.HostName)
    $script:copied = & "$repo/tools/Copy-DiagModule.ps1" -Session $sessions -Path $modulePath
    # 'old': the same module under another version number.
    $old = Join-Path $fleet.Root 'Diag-0.0.1'
    Copy-Item -Recurse $modulePath $old
    (Get-Content -Raw "$old/Diag.psd1") -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`$1'0.0.1'" | Set-Content "$old/Diag.psd1"
    $oldSession = New-PSSession -HostName $byName['old'].HostName
    $null = & "$repo/tools/Copy-DiagModule.ps1" -Session $oldSession -Path $old
    Remove-PSSession $oldSession

    # Stand-ins on "every host": threads 4 1 (spin-0 spins; futex-1, nanosleep-2, pause-3 sleep) and
    # the spinning VPN thread (NatThread in recvfrom). Daemons: no one's child here, so remote
    # sessions may trace them.
    $script:nginx = Start-DiagTestTarget -Arguments threads, 4, 1 -Name nginx -Via Daemon
    $script:vpn = Start-DiagTestTarget -Arguments recvfrom-spin -Name vpnserver -Via Daemon
    # For $using: (the whole record, process object included, would be serialized).
    $script:nginxPid = $nginx.Pid
    $script:vpnPid = $vpn.Pid

    # Runs $Script in a runspace of its own (its host shows nothing) and returns its output; fails,
    # instead of hanging the suite, when it does not end within $Seconds. Error records fail it too;
    # information records go to -InformationVariable.
    function Invoke-Bounded {
        param([scriptblock] $Script, [object[]] $ArgumentList, [int] $Seconds = 120, [string] $InformationVariable)
        $ps = [powershell]::Create()
        $null = $ps.AddScript($Script)
        foreach ($a in $ArgumentList) { $null = $ps.AddArgument($a) }
        $async = $ps.BeginInvoke()
        if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($Seconds))) {
            $null = $ps.BeginStop($null, $null)   # not waited for: it may hang too
            throw "did not end within $Seconds s: $Script"
        }
        try {
            $output = $ps.EndInvoke($async)
            $ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" } | Should -BeNullOrEmpty
            if ($InformationVariable) { Set-Variable -Name $InformationVariable -Value @($ps.Streams.Information) -Scope 1 }
            $output
        }
        finally { $ps.Dispose() }
    }

    # Waits until nothing traces $ProcessId (a remote tracer detaches on its own thread after the
    # client's pipeline stopped); returns the last TracerPid seen.
    function Wait-Untraced {
        param([int] $ProcessId)
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (($tracer = Get-DiagTracerPid $ProcessId) -ne 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $tracer
    }
}

AfterAll {
    Get-PSSession | Remove-PSSession
    Stop-DiagTestTarget $script:nginx
    Stop-DiagTestTarget $script:vpn
    Remove-DiagFleet $script:fleet
    if ($script:fleet) { foreach ($key in $fleet.DefaultParameterValues.Keys) { $global:PSDefaultParameterValues.Remove($key) } }
}

Describe 'The test fleet' {
    It 'runs one sshd per host, each reached at its own address' {
        $running = @($fleet.Hosts | Where-Object Role -ne 'Down')
        $running | ForEach-Object { Test-Path "/proc/$($_.ProcessId)" | Should -BeTrue -Because "$($_.Name)'s sshd runs" }
        @($fleet.Hosts | ForEach-Object Address | Sort-Object -Unique).Count | Should -Be $fleet.Hosts.Count
        if ($fleet.Mode -eq 'Namespace') {
            $own = (Get-Item /proc/self/ns/net).LinkTarget
            $namespaces = $running | ForEach-Object { (Get-Item "/proc/$($_.ProcessId)/ns/net").LinkTarget }
            @($namespaces | Sort-Object -Unique).Count | Should -Be $running.Count
            $namespaces | Should -Not -Contain $own
        }
        # Each session came in on its host's address (sshd's view of the connection).
        $served = Invoke-Command -Session $sessions { $env:SSH_CONNECTION.Split(' ')[2] }
        foreach ($s in $sessions) {
            ($served | Where-Object PSComputerName -eq $s.ComputerName) | Should -Be $s.ComputerName
        }
    }
}

Describe 'Diag on the remote side' {
    It 'is copied by Copy-Item -ToSession into each host''s own module folder' {
        $copied.Count | Should -Be 3
        foreach ($h in $web) {
            $expected = Join-Path $h.ModulePath "Diag/$version"
            ($copied | Where-Object Path -eq $expected) | Should -Not -BeNullOrEmpty
            Test-Path (Join-Path $expected 'Diag.psd1') | Should -BeTrue
        }
        $found = Invoke-Command -Session $sessions { (Get-Module Diag -ListAvailable).ModuleBase }
        foreach ($s in $sessions) {
            $h = $web | Where-Object Address -eq $s.ComputerName
            @($found | Where-Object PSComputerName -eq $s.ComputerName) | Should -Be (Join-Path $h.ModulePath "Diag/$version")
        }
        Test-Path (Join-Path $byName['bare'].ModulePath 'Diag') | Should -BeFalse
    }

    It 'is checked host by host: Ok, Missing, OtherVersion, Unreachable' {
        $names = 'web1', 'bare', 'old', 'down'
        $rows = & "$repo/tools/Test-DiagModule.ps1" -HostName ($names | ForEach-Object { $byName[$_].HostName }) -WarningVariable warnings -WarningAction SilentlyContinue
        $rows.Count | Should -Be 4
        $status = @{}
        foreach ($r in $rows) { $status[($fleet.Hosts | Where-Object Address -eq $r.ComputerName).Name] = $r }
        $status['web1'].Status | Should -Be 'Ok'
        $status['web1'].Version | Should -Be $version
        $status['bare'].Status | Should -Be 'Missing'
        $status['bare'].Detail | Should -BeLike '*no Diag module*Copy-DiagModule*'
        $status['old'].Status | Should -Be 'OtherVersion'
        $status['old'].Version | Should -Be '0.0.1'
        $status['old'].Detail | Should -BeLike "*0.0.1*$version*"
        $status['down'].Status | Should -Be 'Unreachable'
        $warnings.Count | Should -Be 3
        foreach ($n in 'bare', 'old', 'down') { ($warnings.Message -like "$($byName[$n].Address)*").Count | Should -Be 1 }
    }

    It 'is what a host without it lacks: Get-ThreadCpu is an unknown command there, the others answer' {
        $rows = Invoke-Command -HostName $byName['web1'].HostName, $byName['bare'].HostName { Get-ThreadCpu -Name nginx -Interval 0.2 } -ErrorAction SilentlyContinue -ErrorVariable failed
        @($rows.PSComputerName | Sort-Object -Unique) | Should -Be $byName['web1'].Address
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'CommandNotFoundException'
        $failed[0].OriginInfo.PSComputerName | Should -Be $byName['bare'].Address
    }
}

Describe 'Get-ThreadCpu across hosts' {
    BeforeAll {
        # Sampled at once on three hosts, merged and sorted here. (Another test run's stand-in may also
        # be called nginx: only this file's counts.)
        $script:rows = Invoke-Command -HostName $web.HostName { Get-ThreadCpu -Name nginx -Interval 0.5 } |
            Sort-Object CpuPercent -Descending | Where-Object ProcessId -eq $nginxPid
    }

    It 'merges every host''s threads, each row naming its host' {
        $rows.Count | Should -Be 15
        $rows[0].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Threads.ThreadCpuSample'
        $byHost = $rows | Group-Object PSComputerName
        ($byHost.Name | Sort-Object) | Should -Be ($web | ForEach-Object Address | Sort-Object)
        foreach ($g in $byHost) {
            ($g.Group.ThreadId | Sort-Object) | Should -Be (@($nginx.Pid) + $nginx.Threads.Values | Sort-Object)
            # Relations, not absolute figures: the spinner outranks all sleepers together on each host.
            $spinner = $g.Group | Where-Object ThreadName -eq 'spin-0'
            $spinner.CpuPercent | Should -BeGreaterThan (($g.Group | Where-Object ThreadName -ne 'spin-0' | Measure-Object CpuPercent -Sum).Sum)
        }
        ($rows | Select-Object -First 3).ThreadName | Should -Be 'spin-0', 'spin-0', 'spin-0' -Because 'sorted on the client across hosts'
    }

    It 'keeps the top-like default view, with PSComputerName as a column at 132 columns' {
        $lines = ($rows | Out-String -Width 132) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^\s+PID\s+TID S\s+%CPU SYSCALL\s+THREAD\s+PROCESS\s+TIME\+\s+NSTID WCHAN\s+PSComputerName$'
        foreach ($line in $lines | Select-Object -Skip 2) { $line | Should -Match "\s(198\.18|127\.0)\.\d+\.\d+$" }
        $spin = $lines | Where-Object { $_ -match "\s$($nginx.Threads['spin-0'])\s+R\s" }
        @($spin).Count | Should -BeGreaterOrEqual 1 -Because 'the spinner is running (R)'
        ($lines | Where-Object { $_ -match 'pause-3' }) | ForEach-Object { $_ | Should -Match "\s$($nginx.Threads['pause-3'])\s+S\s+\d+\.\d pause\s" }
    }

    It 'shows the host first with Format-Table -View Fleet: at 80 columns with the thread, state, %CPU and syscall' {
        $lines = ($rows | Format-Table -View Fleet | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^HOST\s+TID S\s+%CPU SYSCALL\s+THREAD\s+PROCESS$'
        foreach ($line in $lines | Select-Object -Skip 2) {
            $line.Length | Should -BeLessOrEqual 80
            $line | Should -Match '^(198\.18|127\.0)\.\d+\.\d+\s+\d+ [RSD] +\d+\.\d \S+\s+\S+'
        }
        ($lines | Where-Object { $_ -match '\spause-3\s' }).Count | Should -Be 3
        ($lines -join "`n") | Should -Not -Match '…'
    }

    It 'shows everything uncut with Format-Table -View Fleet at 120 columns' {
        $text = $rows | Format-Table -View Fleet | Out-String -Width 120
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^HOST\s+TID S\s+%CPU SYSCALL\s+THREAD\s+PROCESS\s+PID\s+TIME\+ WCHAN$'
        $text | Should -Not -Match '…'
        # Row by row (Format-Table keeps the order): host first, the wait channel whole at the end.
        $body = @($lines | Select-Object -Skip 2)
        $body.Count | Should -Be $rows.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $body[$i] | Should -BeLike "$($rows[$i].PSComputerName) *"
            $body[$i] | Should -Match "\s$($rows[$i].ThreadId) [RSD] .*\s$($nginx.Pid)\s+\d+:\d\d\.\d\d\s*$([regex]::Escape($rows[$i].WaitChannel))\s*$"
        }
    }

    It 'runs as a job with -AsJob, one child job per host' {
        $job = Invoke-Command -HostName $web.HostName { Get-ThreadCpu -Name nginx -Interval 0.2 } -AsJob
        try {
            $job.ChildJobs.Count | Should -Be 3
            $null = $job | Wait-Job -Timeout 120
            $job.State | Should -Be 'Completed'
            ($job.ChildJobs.Location | Sort-Object) | Should -Be ($web | ForEach-Object Address | Sort-Object)
            $received = $job | Receive-Job | Where-Object ProcessId -eq $nginxPid
            $received.Count | Should -Be 15
            @($received | Group-Object PSComputerName).Count | Should -Be 3
        }
        finally { Remove-Job $job -Force }
    }

    It 'goes on when a host is down and another refuses: the others answer, one error per bad host, naming it' {
        $asked = 'web1', 'down', 'refusing', 'web2' | ForEach-Object { $byName[$_].HostName }
        $answers = Invoke-Command -HostName $asked { Get-ThreadCpu -Id $using:nginxPid -Interval 0.2 } -ErrorAction SilentlyContinue -ErrorVariable failed
        ($answers.PSComputerName | Sort-Object -Unique) | Should -Be ($byName['web1'], $byName['web2'] | ForEach-Object Address | Sort-Object)
        $answers.Count | Should -Be 10
        $failed.Count | Should -Be 2
        ($failed.TargetObject | Sort-Object) | Should -Be ($byName['down'], $byName['refusing'] | ForEach-Object Address | Sort-Object)
        foreach ($e in $failed) {
            $e.FullyQualifiedErrorId | Should -Be 'PSSessionStateBroken'
            "$e" | Should -BeLike "*[$($e.TargetObject)]*" -Because 'the message names the host'
        }
    }
}

Describe 'Trace-Syscall across hosts' {
    It 'traces a process on a remote host (attached) and detaches it' {
        $rows = Invoke-Command -Session $sessions[0] { Trace-Syscall -Id $using:vpnPid -Duration 1 }
        $recv = $rows | Where-Object Syscall -eq 'recvfrom'
        $recv.Errors / $recv.Calls | Should -BeGreaterThan 0.95
        $recv.ErrorBreakdown | Should -BeLike 'EAGAIN=*'
        $rows[-1].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Tracing.SyscallTraceTotal'
        $text = $rows | Out-String -Width 120
        $text | Should -Match 'usecs/call.*PSComputerName' -Because 'the strace -c view, and the host'
        $text | Should -Match "recvfrom .*$([regex]::Escape($sessions[0].ComputerName))"
        Wait-Untraced $vpn.Pid | Should -Be 0
        Get-DiagProcessState $vpn.Pid | Should -Not -BeIn 't', 'T'
    }

    It 'follows the hot thread that Get-ThreadCpu found, in one remote pipeline (the VPN server at 100 % CPU)' {
        $rows = Invoke-Command -HostName $byName['web2'].HostName {
            Get-ThreadCpu -Name vpnserver -Interval 0.5 | Where-Object ThreadName -eq NatThread | Trace-Syscall -Duration 1
        }
        $rows[0].Syscall | Should -Be 'recvfrom'
        $rows[0].PSComputerName | Should -Be $byName['web2'].Address
        Wait-Untraced $vpn.Pid | Should -Be 0
    }

    It 'launches a command on the host (-FilePath): its output comes back as host text, and the session goes on' {
        # In a runspace of its own (Invoke-Bounded), whose host shows nothing: the 3000 lines stay out of the test log.
        $output = Invoke-Bounded {
            param($HostName, $KeyFilePath, $Options)
            $session = New-PSSession -HostName $HostName -KeyFilePath $KeyFilePath -Options $Options
            Invoke-Command -Session $session {
                Trace-Syscall -FilePath /usr/bin/seq -ArgumentList 1, 3000 -Syscall write
                "exit=$LASTEXITCODE"
            }
            $session.State
            Invoke-Command -Session $session { 'still here' }
            Remove-PSSession $session
        } $byName['web2'].HostName, $fleet.KeyFilePath, $fleet.Options -InformationVariable info
        $lines = @($info | Where-Object { $_.Tags -contains 'Stdout' } | ForEach-Object { $_.MessageData.Message })
        $lines.Count | Should -Be 3000
        $lines[0] | Should -Be '1'
        $lines[-1] | Should -Be '3000'
        ($output | Where-Object Syscall -eq 'write').Calls | Should -BeGreaterThan 0
        ($output | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Tracing.SyscallTraceTotal' }).ExitCode | Should -Be 0
        $output[-3] | Should -Be 'exit=0'
        "$($output[-2])" | Should -Be 'Opened'
        $output[-1] | Should -Be 'still here'
    }

    It 'leaves no launched command behind, stopped or orphaned, when the SSH session dies during the trace' {
        # A sleep of a length nothing else uses, launched under the tracer on web1 by a session that then dies: its
        # sshd is killed, as a dropped connection or a killed client would end it.
        $marker = [string](86400 + (Get-Random -Minimum 1000 -Maximum 9999))
        $session = New-PSSession -HostName $byName['web1'].HostName
        try {
            $job = Invoke-Command -Session $session { Trace-Syscall -FilePath /bin/sleep -ArgumentList $using:marker } -AsJob
            $find = { Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | Where-Object {
                    try { ([IO.File]::ReadAllText("/proc/$($_.Name)/cmdline") -split "`0")[0..1] -join ' ' -eq "/bin/sleep $marker" } catch { $false } } |
                    ForEach-Object { [int]$_.Name } }
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not ($sleep = & $find) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $sleep | Should -Not -BeNullOrEmpty -Because 'the launched command runs on the host'
            # sleep's parent is the session's pwsh (the tracer); its sshd is the nearest sshd above it.
            $tracer = [int]((Get-Content "/proc/$sleep/status" | Where-Object { $_ -like 'PPid:*' }) -replace '\D', '')
            $up = $tracer
            do { $up = [int]((Get-Content "/proc/$up/status" | Where-Object { $_ -like 'PPid:*' }) -replace '\D', '') }
            while ($up -gt 1 -and (Get-Content "/proc/$up/comm") -notlike 'sshd*')
            (Get-Content "/proc/$up/comm") | Should -BeLike 'sshd*'
            $up | Should -Not -Be $byName['web1'].ProcessId -Because "the session's own sshd, not the host's listener, ends"
            Stop-Process -Id $up -Force
            # Then no process is left: not the sleep (stopped or running, under init), not its tracer.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((& $find) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            & $find | Should -BeNullOrEmpty -Because 'the launched command dies with the session that launched it'
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Test-Path "/proc/$tracer") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Test-Path "/proc/$tracer" | Should -BeFalse -Because "the session's pwsh ends with its connection"
            $job | Remove-Job -Force
        }
        finally { $session | Remove-PSSession -ErrorAction SilentlyContinue }
    }

    It 'stops the remote trace and detaches the tracee when the client presses Ctrl+C' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($HostName, $KeyFilePath, $Options, $TargetPid)
                    Invoke-Command -HostName $HostName -KeyFilePath $KeyFilePath -Options $Options { Trace-Syscall -Id $using:TargetPid -Event }
                }).AddArgument($byName['web3'].HostName).AddArgument($fleet.KeyFilePath).AddArgument($fleet.Options).AddArgument($vpn.Pid)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            # Until events arrive: the remote tracer is attached and its output crosses SSH.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($output.Count -lt 5 -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            # (The streams of a running PowerShell are read by index: enumerating one waits for its end.)
            $output.Count | Should -BeGreaterOrEqual 5 -Because "the remote trace streams events ($($ps.Streams.Error.Count) errors: $($ps.Streams.Error[0]))"
            Get-DiagTracerPid $vpn.Pid | Should -Not -Be 0
            # What Ctrl+C does to the client's pipeline; bounded, so that a stop that never ends fails here.
            $stopping = $ps.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(60)) | Should -BeTrue -Because "the stop must end (tracer: $(Get-DiagTracerPid $vpn.Pid), events so far: $($output.Count))"
            $ps.EndStop($stopping)
            $output[0].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Tracing.SyscallEvent'
        }
        finally { if ($async.IsCompleted) { $ps.Dispose() } }
        Wait-Untraced $vpn.Pid | Should -Be 0 -Because 'stopping the client stops the remote pipeline, which detaches'
        Get-DiagProcessState $vpn.Pid | Should -Not -BeIn 't', 'T'
    }

    It 'stops the remote trace and detaches the tracee at a Select-Object -First inside the script block' {
        $events = Invoke-Bounded {
            param($HostName, $KeyFilePath, $Options, $TargetPid)
            Invoke-Command -HostName $HostName -KeyFilePath $KeyFilePath -Options $Options { Trace-Syscall -Id $using:TargetPid -Event | Select-Object -First 5 }
        } $byName['web1'].HostName, $fleet.KeyFilePath, $fleet.Options, $vpn.Pid
        $events.Count | Should -Be 5
        $events.PSComputerName | Sort-Object -Unique | Should -Be $byName['web1'].Address
        Wait-Untraced $vpn.Pid | Should -Be 0
        Get-DiagProcessState $vpn.Pid | Should -Not -BeIn 't', 'T'
    }

    It 'ends at -Duration and detaches when the Select-Object -First is on the client' {
        # Invoke-Command (7.6) lets a client-side Select-Object -First stop it only once the remote
        # command has ended: the remote trace needs its own end, here the -Duration deadline.
        $events = Invoke-Bounded {
            param($HostName, $KeyFilePath, $Options, $TargetPid)
            Invoke-Command -HostName $HostName -KeyFilePath $KeyFilePath -Options $Options {
                Trace-Syscall -Id $using:TargetPid -Event -Duration 2 -WarningAction SilentlyContinue
            } | Select-Object -First 5
        } $byName['web2'].HostName, $fleet.KeyFilePath, $fleet.Options, $vpn.Pid
        $events.Count | Should -Be 5
        $events[0].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Tracing.SyscallEvent'
        Wait-Untraced $vpn.Pid | Should -Be 0
        Get-DiagProcessState $vpn.Pid | Should -Not -BeIn 't', 'T'
    }
}

Describe 'Get-PipePeer across hosts' {
    BeforeAll {
        # The supervisord leak: a php worker whose stdout pipe only its own fd 1066 reads, blocked writing.
        $script:php = Start-DiagTestTarget -Arguments pipe-selfloop -Name php -Via Direct
        $script:phpPid = $php.Pid
    }
    AfterAll { Stop-DiagTestTarget $script:php }

    It 'diagnoses the self-loop on every host, each row naming its host, with the view at 120 columns' {
        $rows = Invoke-Bounded { param($s, $id) Invoke-Command -Session $s { Get-PipePeer -Id $using:id -FileDescriptor 1 } } -ArgumentList $sessions, $phpPid
        @($rows | Group-Object PSComputerName).Count | Should -Be $sessions.Count
        $rows | ForEach-Object { $_.Diagnosis | Should -Be 'SelfLoop' }
        $rows[0].PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Pipes.PipeEndpoint'
        ($rows | Out-String -Width 120) | Should -Match 'SelfLoop'
    }
}

Describe 'Test-CoreDumpConfig across hosts' {
    It 'checks every host and brings back one verdict per host' {
        $rows = Invoke-Bounded { param($s) Invoke-Command -Session $s { Test-CoreDumpConfig } } -ArgumentList (, $sessions)
        $verdicts = @($rows | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.CoreDumps.CoreDumpVerdict' })
        $verdicts.Count | Should -Be $rows.Count
        @($verdicts | Group-Object PSComputerName).Count | Should -Be $sessions.Count
        $verdicts | ForEach-Object { $_.Verdict | Should -BeIn 'Written', 'Truncated', 'NotWritten', 'Unknown' }
        # The checks come back as objects inside each verdict, and the fleet view puts the host first at 80 columns.
        ($verdicts[0].Checks | Where-Object Check -eq CorePattern).PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.CoreDumps.CoreDumpCheck'
        $fleetText = $verdicts | Format-Table -View Fleet | Out-String -Width 80
        foreach ($s in $sessions) { $fleetText | Should -Match ([regex]::Escape($s.ComputerName)) }
    }
}

Describe 'ConvertFrom-Toa on a host' {
    It 'decodes the client address there and brings back an address' {
        $rows = Invoke-Bounded { param($s) Invoke-Command -Session $s {
                'IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0' | ConvertFrom-Toa } } -ArgumentList (, $sessions[0])
        $row = @($rows) | Select-Object -First 1
        [string]$row.ClientAddress | Should -Be '10.10.1.1'
        $row.ClientPort | Should -Be 12345
        ($rows | Out-String -Width 120) | Should -Match '10\.10\.1\.1'
    }
}

Describe 'Get-ThreadStack across hosts' {
    It 'reads the hot VPN thread''s stack on a host, frames kept as objects, and releases it' {
        $stacks = Invoke-Bounded { param($s, $id) Invoke-Command -Session $s { Get-ThreadStack -Id $using:id } } -ArgumentList $sessions[0], $vpnPid
        $nat = $stacks | Where-Object ThreadName -eq 'NatThread'
        $nat.Frames[0].Function | Should -Not -BeNullOrEmpty
        ($nat.Frames.Function -join ' ') | Should -Match 'recvfrom|nat_thread'
        ($nat | Out-String -Width 120) | Should -Match '#0'
        Get-DiagTracerPid $vpnPid | Should -Be 0
    }
}

Describe 'README "Across a fleet" runs as written' {
    BeforeAll {
        $script:readme = @(Get-DiagReadmeStatement | Where-Object Fleet)
    }

    It 'has the section, with statements that talk to hosts' {
        @($readme | Where-Object Section -eq 'Across a fleet').Count | Should -BeGreaterThan 3
    }

    It 'runs every README statement that talks to hosts, against web1..web3' {
        $readme | Should -Not -BeNullOrEmpty
        # One runspace for the whole section, as a user's session: $sessions made by one line is used by the next.
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule((Get-DiagModulePath))
        $ps = [powershell]::Create($state)
        try {
            $null = $ps.AddScript('param($Defaults, $Where) $global:PSDefaultParameterValues = $Defaults; Set-Location $Where').
                AddArgument($fleet.DefaultParameterValues).AddArgument($repo).Invoke()
            foreach ($statement in $readme) {
                $code = $statement.Code
                foreach ($n in 'web1', 'web2', 'web3') { $code = $code -replace "\b$n\b", $byName[$n].HostName }
                $ps.Commands.Clear()
                $ps.Streams.ClearStreams()
                $text = $ps.AddScript($code).AddCommand('Out-String').AddParameter('Width', 120).Invoke() -join "`n"
                @($ps.Streams.Error) | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" } | Should -BeNullOrEmpty -Because "README: $($statement.Code)"
                @($ps.Streams.Warning) | Should -BeNullOrEmpty -Because "README: $($statement.Code)"
                if ($statement.Code -match '^(Invoke-Command|\./tools/)') {
                    $text.Trim() | Should -Not -BeNullOrEmpty -Because "README: $($statement.Code) shows something"
                }
            }
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Fan-out measurement (bench/FleetFanOut.ps1)' {
    It 'samples N hosts with one Invoke-Command and with N in a row, both ways of connecting' {
        $figures = & "$repo/bench/FleetFanOut.ps1" -HostName $web.HostName -Count 1, 2 -Interval 0.2 -Repeat 1 -PassThru
        $figures.Count | Should -Be 4
        ($figures | ForEach-Object { "$($_.Mode)/$($_.Hosts)" }) | Should -Be 'Connect/1', 'Connect/2', 'Session/1', 'Session/2'
        foreach ($f in $figures) {
            $f.FanOutSeconds | Should -BeGreaterThan 0
            $f.SequentialSeconds | Should -BeGreaterThan 0
            $f.SamplesPerCall | Should -BeGreaterThan $f.Hosts -Because 'every thread of the machine, from every host'
        }
    }
}

Describe 'Teardown' {
    It 'leaves no sshd, session process, namespace or veth behind' {
        Get-PSSession | Remove-PSSession
        Remove-DiagFleet $fleet
        Get-DiagFleetLeftover $fleet | Should -BeNullOrEmpty
        if ($fleet.Mode -eq 'Namespace') {
            (ip netns list) -match "diagfleet-$($fleet.Id)-" | Should -BeNullOrEmpty
        }
    }
}
