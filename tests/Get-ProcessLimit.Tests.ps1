# Pester 5 tests of Get-ProcessLimit in a real pwsh: Get-Process input, -All sorted by headroom, 80 columns, jobs,
# CSV, a user without root, zombies. Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # A PHP worker that leaked descriptors: 90% of a 1000 open-files limit it set itself.
    $script:php = Start-DiagTestTarget -Arguments nofile-fill, 90, 1000 -Name php -Via Direct
}

AfterAll {
    Stop-DiagTestTarget $script:php
}

Describe 'Get-ProcessLimit' {
    It 'finds the worker near its open-files limit from Get-Process' {
        $nofile = Get-Process php | Where-Object Id -eq $php.Pid | Get-ProcessLimit -Resource OpenFiles
        $nofile.Status | Should -Be 'NearLimit'
        $nofile.Used | Should -Be 900
        $nofile.SoftLimit | Should -Be 1000
        $nofile.Headroom | Should -Be 100
        $nofile.Source | Should -Be 'SetByProcess'
        $nofile.ParentProcessId | Should -Be $PID
        $nofile.ChangeNow | Should -BeLike "prlimit --pid $($php.Pid) --nofile=2048:*"
        $nofile.Note | Should -BeLike 'EMFILE at the limit*'
    }

    It 'lists every process with the least headroom first' {
        $rows = Get-ProcessLimit -All
        $rows[0].ProcessId | Should -Be $php.Pid
        $rows[0].Name | Should -Be 'NOFILE'
        $rows[0].PSTypeNames | Should -Contain 'Diag.Linux.Limits.ProcessLimit#All'
        $percents = $rows.UsedPercent | ForEach-Object { [double]$_ }
        $percents | Should -Be ($percents | Sort-Object -Descending)
    }

    It 'reads like prlimit at 80 columns' {
        $lines = (Get-ProcessLimit -Id $php.Pid | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines -match '^NOFILE\s+1000\s+\d+\s+900\s+90 NearLimit SetByProcess' | Should -HaveCount 1
        $all = (Get-ProcessLimit -All | Select-Object -First 5 | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $all | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $all -match "^\s+$($php.Pid) php\s+NOFILE\s+900\s+1000\s+90 NearLimit" | Should -HaveCount 1
    }

    It 'comes back from Start-Job with typed values and its view' {
        $remote = Start-Job { param($module, $id) Import-Module $module; Get-ProcessLimit -Id $id -Resource OpenFiles } -ArgumentList (Get-DiagModulePath), $php.Pid |
            Receive-Job -Wait -AutoRemoveJob
        $remote.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.Limits.ProcessLimit'
        $remote.SoftLimit | Should -BeOfType [uint64]
        $remote.Status | Should -Be 'NearLimit'
        ($remote | Out-String -Width 80) | Should -Match 'NOFILE\s+1000\s+\d+\s+900\s+90 NearLimit'
    }

    It 'exports to CSV without type names, statuses by name' {
        $csv = Join-Path $TestDrive 'limits.csv'
        Get-ProcessLimit -Id $php.Pid | Export-Csv $csv
        (Get-Content $csv -First 1) | Should -Not -Match '^#TYPE'
        $row = Import-Csv $csv | Where-Object Name -eq 'NOFILE'
        $row.Status | Should -Be 'NearLimit'
        $row.Resource | Should -Be 'OpenFiles'
        $row.Used | Should -Be '900'
    }

    It 'says a zombie''s limits no longer apply' {
        $zombie = Start-DiagTestTarget -Arguments zombie -Via Direct
        try {
            $null = Get-ProcessLimit -Id $zombie.Threads['zombie'] -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -Be 'ProcessIsZombie,Diag.Commands.GetProcessLimitCommand'
        }
        finally { Stop-DiagTestTarget $zombie }
    }
}

Describe 'Get-ProcessLimit as a user without root' -Skip:([Environment]::UserName -ne 'root') {
    AfterAll { Remove-DiagUnprivilegedPwsh }

    It 'reads root''s limits, says once that its descriptors cannot be counted' {
        $out = Invoke-DiagAsNobody "`$r = Get-ProcessLimit -Id $($php.Pid) -WarningVariable w -WarningAction SilentlyContinue; (`$r | Where-Object Name -eq 'NOFILE').SoftLimit; `$null -eq (`$r | Where-Object Name -eq 'NOFILE').Used; `$w.Count; `$w[0].Message"
        $out[0] | Should -Be '1000'
        $out[1] | Should -Be 'True'
        $out[2] | Should -Be '1'
        $out[3] | Should -Match 'could not be counted.*CAP_SYS_PTRACE'
    }
}
