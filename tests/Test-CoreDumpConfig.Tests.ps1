# Pester 5 tests of Test-CoreDumpConfig in a real pwsh: what a user types (pipes into Where-Object,
# Group-Object and Sort-Object, -Verify, Start-Job, ConvertTo-Json, Export-Csv, the table at 80 and 120
# columns). Build first: dotnet build Diag.slnx (lays out out/Diag and out/test-target).
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # Starts the test target (or a stand-in copy) in a directory with a core limit, as a server would run.
    function Start-CoreTarget {
        param([string] $Directory, [string] $CoreLimit, [string] $Name, [string[]] $Arguments = @('sleep'))
        $previous = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $Directory
        try { $target = Start-DiagTestTarget -Arguments $Arguments -Via Direct -Name $Name }
        finally { [Environment]::CurrentDirectory = $previous }
        & prlimit --pid $target.Pid "--core=${CoreLimit}:unlimited"
        if ($LASTEXITCODE) { throw "prlimit failed for $($target.Pid)" }
        $target
    }

    $script:limited = Start-CoreTarget -Directory $TestDrive -CoreLimit 0
    $script:limitedPid = $script:limited.Pid
}

AfterAll {
    Stop-DiagTestTarget $script:limited
}

Describe 'Test-CoreDumpConfig' {
    It 'takes processes from Get-Process and ends each checklist with its verdict' {
        $all = Get-Process -Id $limitedPid | Test-CoreDumpConfig
        $all[-1].PSTypeNames | Should -Contain 'Diag.Linux.CoreDumps.CoreDumpVerdict'
        $all[-1].Verdict | Should -Be 'NotWritten'
        $all[-1].Blockers | Should -Contain 'CoreLimit'
        $all | Select-Object -SkipLast 1 | ForEach-Object { $_.PSTypeNames[0] } | Sort-Object -Unique | Should -Be 'Diag.Linux.CoreDumps.CoreDumpCheck'
        ($all | Where-Object Check -eq CoreLimit).Remedy | Should -BeLike "now: prlimit --pid $limitedPid --core=unlimited:unlimited*"
    }

    It 'composes with Where-Object, Group-Object and Sort-Object' {
        # Every value of Check, Status and Verdict is true, so Where-Object Check keeps all the checks.
        (Test-CoreDumpConfig -Id $limitedPid | Where-Object Check).Count | Should -Be ((Test-CoreDumpConfig -Id $limitedPid).Count - 1)
        $failing = Test-CoreDumpConfig -Id $limitedPid | Where-Object Status -eq 'Fail'
        $failing.Check | Should -Contain 'CoreLimit'
        $failing | Where-Object Verdict | Should -HaveCount 1    # the verdict has a Status too
        $groups = Test-CoreDumpConfig -Id $limitedPid | Where-Object Check | Group-Object Status -AsHashTable -AsString
        $groups['Fail'].Check | Should -Contain 'CoreLimit'
        $groups['Pass'].Check | Should -Contain 'CorePattern'
        # Names, not enum numbers: Sort-Object orders them as a person reads them.
        $sorted = Test-CoreDumpConfig -Id $limitedPid | Where-Object Check | Sort-Object Check
        ($sorted.Check -join ',') | Should -Be (($sorted.Check | Sort-Object) -join ',')
    }

    It 'keeps only what there is to fix with Where-Object Remedy' {
        $todo = Test-CoreDumpConfig -Id $limitedPid | Where-Object Remedy
        $todo.Check | Should -Contain 'CoreLimit'
        $todo | ForEach-Object { $_.Status | Should -Not -Be 'Pass' }
    }

    It 'judges a mysqld by its core-file option' -ForEach @(
        @{ Arguments = @('sleep'); Status = 'Fail' }
        @{ Arguments = @('sleep', '--core-file'); Status = 'Pass' }
    ) {
        $mysqld = Start-CoreTarget -Directory $TestDrive -CoreLimit unlimited -Name mysqld -Arguments $Arguments
        try {
            $program = Test-CoreDumpConfig -Name mysqld | Where-Object { $_.ProcessId -eq $mysqld.Pid -and $_.Check -eq 'Program' }
            $program.Status | Should -Be $Status
            $program.Actual | Should -BeLike 'mysqld: *'
        }
        finally { Stop-DiagTestTarget $mysqld }
    }

    It '-Verify proves a core with a probe, deletes it and leaves the process running' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'verify')
        $target = Start-CoreTarget -Directory $dir.FullName -CoreLimit unlimited
        try {
            $all = Test-CoreDumpConfig -Id $target.Pid -Verify
            $probe = $all | Where-Object Check -eq Probe
            $probe.Status | Should -Be 'Pass'
            $probe.Actual | Should -BeLike "core found: $($dir.FullName)/*, deleted"
            $all[-1].Verified | Should -Be 'CoreFound'
            $all[-1].Verdict | Should -BeIn @('Written', 'Truncated')
            Get-ChildItem $dir.FullName -Force | Should -BeNullOrEmpty
            $target.Process.HasExited | Should -BeFalse
        }
        finally { Stop-DiagTestTarget $target }
    }

    It 'reads like a checklist at 80 columns, with the remedy wrapped and the verdict below' {
        $text = Test-CoreDumpConfig -Id $limitedPid | Out-String -Width 80
        $lines = $text -split "`n"
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines | Where-Object { $_ -match '^STATUS CHECK\s+ACTUAL\s+EXPECTED / REMEDY' } | Should -HaveCount 1
        $lines | Where-Object { $_ -match '^FAIL\s+CoreLimit\s+soft 0, hard unlimited\s+now: prlimit' } | Should -HaveCount 1
        $lines | Where-Object { $_ -match '^Verdict\s+: NotWritten' } | Should -HaveCount 1
        $text | Should -Match "Core dump checklist: diag-test-target \($limitedPid\)"
    }

    It 'shows everything at 120 columns, nothing cut' {
        $text = Test-CoreDumpConfig -Id $limitedPid | Out-String -Width 120
        $text | Should -Not -Match '…'
        $text | Should -Match ([regex]::Escape($TestDrive))
        $text | Should -Match 'Summary\s+: No core: CoreLimit stops it'
    }

    It 'comes back from Start-Job and is formatted by the same views' {
        $job = Start-Job { param($modulePath, $id) Import-Module $modulePath; Test-CoreDumpConfig -Id $id } -ArgumentList (Get-DiagModulePath), $limitedPid
        $all = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force
        $all[0].PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.CoreDumps.CoreDumpCheck'
        $all[-1].Verdict | Should -Be 'NotWritten'
        $text = $all | Out-String -Width 80
        $text | Should -Match 'STATUS CHECK'
        $text | Should -Match 'FAIL\s+CoreLimit'
        $text | Should -Match 'Verdict\s+: NotWritten'
    }

    It 'converts to JSON and CSV with readable values' {
        $all = Test-CoreDumpConfig -Id $limitedPid
        $json = $all | ConvertTo-Json | ConvertFrom-Json   # names without -EnumsAsStrings
        ($json | Where-Object Check -eq 'CoreLimit').Status | Should -Be 'Fail'
        $json[-1].Verdict | Should -Be 'NotWritten'
        $csv = Join-Path $TestDrive 'checks.csv'
        $all | Where-Object Check | Export-Csv $csv
        $rows = Import-Csv $csv
        ($rows | Where-Object Check -eq 'CoreLimit').Status | Should -Be 'Fail'
        ($rows | Where-Object Check -eq 'CoreLimit').Remedy | Should -BeLike 'now: prlimit*'
    }
}
