# Pester 5 tests of Get-ProcessMemoryMap in a real pwsh: what users type (Get-Process input, -Summary, -Interval),
# the tables at 80 columns, jobs, CSV, a user without root, zombies. Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # The Spring Boot service in small: a "java" whose eight threads each have their own glibc arena.
    $script:java = Start-DiagTestTarget -Arguments arenas-hold, 8, 2048 -Name java -Via Direct
    # A process whose anonymous mapping grows by 1 MiB every 5 ms.
    $script:grower = Start-DiagTestTarget -Arguments grow-anon, 1, 5 -Via Direct
}

AfterAll {
    Stop-DiagTestTarget $script:java
    Stop-DiagTestTarget $script:grower
}

Describe 'Get-ProcessMemoryMap' {
    It 'names the arenas of the service from Get-Process' {
        $output = Get-Process java | Where-Object Id -eq $java.Pid | Get-ProcessMemoryMap -Summary
        $summary = $output[-1]
        $summary.ArenaCount | Should -Be 8
        $summary.ArenasConfirmed | Should -BeTrue
        $summary.Allocator | Should -Be 'Glibc'
        $summary.ArenaReservedBytes | Should -Be (8 * 64MB)
        ($output | Where-Object Kind -eq 'GlibcArena').Count | Should -Be 16
        $summary.PSTypeNames | Should -Contain 'Diag.Linux.Memory.ProcessMemorySummary'
    }

    It 'gives each parked thread its stack, and composes with Group-Object' {
        $stacks = Get-ProcessMemoryMap -Id $java.Pid -Kind ThreadStack | Where-Object ThreadId -ne $java.Pid
        ($stacks.ThreadId | Sort-Object) | Should -Be ($java.Threads.Values | Sort-Object)
        (Get-ProcessMemoryMap java | Where-Object ProcessId -eq $java.Pid | Group-Object Kind | Where-Object Name -eq 'Guard').Count | Should -Be 8
    }

    It 'finds what grew with -Interval, the largest growth first' {
        $first = Get-ProcessMemoryMap -Id $grower.Pid -Interval 1 | Select-Object -First 1
        $first.Kind | Should -Be 'Anonymous'
        $first.Change | Should -Be 'Grew'
        $first.RssGrowthBytes | Should -BeGreaterThan 0
        $first.SizeGrowthBytes | Should -Be 0
    }

    It 'reads like pmap at 80 columns' {
        $lines = (Get-ProcessMemoryMap -Id $java.Pid | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines -match '^ADDRESS\s+KIND\s+SIZE\s+RSS PERM WHAT' | Should -HaveCount 1
        $lines -match '^[0-9a-f]{12} GlibcArena\s+62 MiB\s+0 ---p arena \d heap: reserved rest' | Should -HaveCount 8
    }

    It 'comes back from Start-Job with typed values and its views' {
        $remote = Start-Job { param($module, $id) Import-Module $module; Get-ProcessMemoryMap -Id $id -Summary } -ArgumentList (Get-DiagModulePath), $java.Pid |
            Receive-Job -Wait -AutoRemoveJob
        $summary = $remote[-1]
        $summary.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.Memory.ProcessMemorySummary'
        $summary.ArenaCount | Should -BeOfType [int]
        $summary.RssBytes | Should -BeOfType [long]
        ($remote | Out-String -Width 120) | Should -Match 'Arenas\s+: 8 of at most'
        ($remote | Out-String -Width 120) | Should -Match 'GlibcArena\s+16\s+512 MiB'
    }

    It 'exports to CSV without type names, kinds by name' {
        $csv = Join-Path $TestDrive 'map.csv'
        Get-ProcessMemoryMap -Id $java.Pid | Export-Csv $csv
        (Get-Content $csv -First 1) | Should -Not -Match '^#TYPE'
        $rows = Import-Csv $csv
        ($rows | Where-Object Kind -eq 'GlibcArena').Count | Should -Be 16
        ($rows | Where-Object Kind -eq 'ThreadStack' | Select-Object -First 1).Detail | Should -Match '^stack of thread \d+'
    }

    It 'says a zombie has no memory and names its parent' {
        $zombie = Start-DiagTestTarget -Arguments zombie -Via Direct
        try {
            $null = Get-ProcessMemoryMap -Id $zombie.Threads['zombie'] -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -Be 'NoUserMemory,Diag.Commands.GetProcessMemoryMapCommand'
            "$($e[0])" | Should -Match "zombie.*parent \($($zombie.Pid)\)"
        }
        finally { Stop-DiagTestTarget $zombie }
    }
}

Describe 'Get-ProcessMemoryMap as a user without root' -Skip:([Environment]::UserName -ne 'root') {
    BeforeAll {
        # nobody's own process, with arenas, and root's "java".
        $script:own = Start-DiagTestTarget -Arguments as-user, 65534, arenas-hold, 4, 256 -Via Direct
    }

    AfterAll {
        Stop-DiagTestTarget $script:own
        Remove-DiagUnprivilegedPwsh
    }

    It 'reads its own process in full' {
        $out = Invoke-DiagAsNobody "`$s = Get-ProcessMemoryMap -Id $($own.Pid) -Summary -WarningAction SilentlyContinue | Select-Object -Last 1; '{0} {1} {2}' -f `$s.ArenaCount, `$s.ArenasConfirmed, (Get-ProcessMemoryMap -Id $($own.Pid) -Kind ThreadStack | Where-Object ThreadId).Count"
        "$out" | Should -Be '4 True 5'
    }

    It 'is refused root''s process with AccessDenied and a remedy' {
        $out = Invoke-DiagAsNobody "Get-ProcessMemoryMap -Id $($java.Pid) -ErrorVariable e -ErrorAction SilentlyContinue; `$e[0].FullyQualifiedErrorId; `$e[0].ErrorDetails.RecommendedAction"
        $out[0] | Should -Be 'AccessDenied,Diag.Commands.GetProcessMemoryMapCommand'
        $out[1] | Should -Match 'root|CAP_SYS_PTRACE'
    }
}
