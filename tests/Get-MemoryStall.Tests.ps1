# Pester 5 tests of Get-MemoryStall in a real pwsh: a writer the test puts in a memory cgroup with a small limit stalls
# in reclaim and is reported through Start-Job with its nested objects intact; as nobody, the report still comes with a
# warning; parameter errors. Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
}

AfterAll { Remove-DiagUnprivilegedPwsh }

Describe 'Get-MemoryStall' {
    It 'reports a writer stalled at its cgroup limit to a job, with threads, pressure and zones as objects' -Skip:((id -u) -ne 0) {
        $v1 = Test-Path /sys/fs/cgroup/memory/memory.limit_in_bytes
        $cgroup = if ($v1) { "/sys/fs/cgroup/memory/diag-stall-pester-$PID" } else { "/sys/fs/cgroup/diag-stall-pester-$PID" }
        $file = "/var/tmp/diag-stall-pester-$PID"
        $null = New-Item -ItemType Directory -Path $cgroup
        $writer = $null
        try {
            Set-Content -Path "$cgroup/$(if ($v1) { 'memory.limit_in_bytes' } else { 'memory.max' })" -Value (48MB)
            # The writer rewrites a file of twice the limit until stopped: page cache charged to the cgroup, reclaimed at its limit.
            $writer = Start-Process -FilePath /bin/sh -PassThru -ArgumentList '-c', "`"echo `$`$ > $cgroup/cgroup.procs; while :; do dd if=/dev/zero of=$file bs=1M count=96 2>/dev/null; done`""
            $job = Start-Job {
                param($module)
                Import-Module $module
                Get-MemoryStall -Duration 2 -Continuous | Where-Object CgroupReclaimTime -gt 0 | Select-Object -First 1
            } -ArgumentList (Get-DiagModulePath)
            $report = $job | Wait-Job -Timeout 300 | Receive-Job
            $job | Remove-Job -Force
            $report.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.MemoryStalls.MemoryStallReport'
            $report.ProcessId | Should -BeNullOrEmpty
            $report.Verdict | Should -BeIn 'Minor', 'Stalling'
            $thread = $report.Threads | Where-Object ThreadName -eq 'dd' | Select-Object -First 1
            $thread | Should -Not -BeNullOrEmpty
            $thread.CgroupReclaimTime | Should -BeOfType [timespan]
            $thread.CgroupReclaimTime | Should -BeGreaterThan ([timespan]::Zero)
            $thread.ReclaimedPages | Should -BeGreaterThan 0
            $report.Memory.Zones[0].MinWatermarkBytes | Should -BeGreaterThan 0
            $report.Memory.TotalBytes | Should -BeGreaterThan 0
            if (Test-Path /proc/pressure/memory) { $report.SystemPressure.SomePercent | Should -BeOfType [double] }
            $report.Diagnosis | Should -Match "reclaim at their cgroup's memory limit"
            $fleet = $report | Format-Table -View Fleet | Out-String -Width 80
            $fleet | Should -Match 'HOST\s+PROCESS\s+VERDICT'
            $table = $report | Out-String -Width 80
            $table | Should -Match 'machine\s+(Minor|Stalling)'
            ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
        }
        finally {
            if ($writer) { Stop-Process -Id $writer.Id -Force -ErrorAction SilentlyContinue }
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-Content "$cgroup/cgroup.procs") -and [DateTime]::UtcNow -lt $deadline) {
                Get-Content "$cgroup/cgroup.procs" | ForEach-Object { Stop-Process -Id $_ -Force -ErrorAction SilentlyContinue }
                Start-Sleep -Milliseconds 100
            }
            Remove-Item -Path $file -ErrorAction SilentlyContinue
            [IO.Directory]::Delete($cgroup)
        }
    }

    It 'reports a process with its memory picture as nobody, and warns that threads are not timed' {
        $target = Start-DiagTestTarget -Arguments sleep
        try {
            $out = Invoke-DiagAsNobody "`$r = Get-MemoryStall -Id $($target.Pid) -Duration 0.5 -WarningVariable w -WarningAction SilentlyContinue; `$r.ProcessId; `$null -eq `$r.DirectReclaimTime; `$r.Memory.TotalBytes -gt 0; `$w[0].Message"
            $out[0] | Should -Be "$($target.Pid)"
            $out[1] | Should -Be 'True'
            $out[2] | Should -Be 'True'
            "$($out[3])" | Should -Match 'not measured'
        }
        finally { Stop-DiagTestTarget $target }
    }

    It 'refuses a non-positive -Duration and names a missing process' {
        { Get-MemoryStall -Duration 0 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDuration,Diag.Commands.GetMemoryStallCommand'
        $null = Get-MemoryStall -Name 'diag-no-such-process' -Duration 0.2 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'NoProcessFoundForGivenName,Diag.Commands.GetMemoryStallCommand'
    }
}
