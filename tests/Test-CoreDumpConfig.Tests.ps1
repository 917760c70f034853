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
    It 'takes processes from Get-Process and gives one verdict per process, its checklist inside' {
        $verdict = Get-Process -Id $limitedPid | Test-CoreDumpConfig
        @($verdict).Count | Should -Be 1
        $verdict.PSTypeNames | Should -Contain 'Diag.Linux.CoreDumps.CoreDumpVerdict'
        $verdict.Verdict | Should -Be 'NotWritten'
        $verdict.Blockers | Should -Contain 'CoreLimit'
        $verdict.Checks | ForEach-Object { $_.PSTypeNames[0] } | Sort-Object -Unique | Should -Be 'Diag.Linux.CoreDumps.CoreDumpCheck'
        ($verdict.Checks | Where-Object Check -eq CoreLimit).Remedy | Should -BeLike "now: prlimit --pid $limitedPid --core=unlimited:;*"
    }

    It 'composes with Where-Object, Group-Object and Sort-Object, on processes and on their checks' {
        $failing = (Test-CoreDumpConfig -Id $limitedPid, $PID).Checks | Where-Object Status -eq 'Fail'
        $failing.Check | Should -Contain 'CoreLimit'
        ($failing | Where-Object Check -eq CoreLimit).ProcessId | Should -Contain $limitedPid
        $groups = (Test-CoreDumpConfig -Id $limitedPid).Checks | Group-Object Status -AsHashTable -AsString
        $groups['Fail'].Check | Should -Contain 'CoreLimit'
        $groups['Pass'].Check | Should -Contain 'CorePattern'
        # Names, not enum numbers: Sort-Object orders them as a person reads them.
        $sorted = (Test-CoreDumpConfig -Id $limitedPid).Checks | Sort-Object Check
        ($sorted.Check -join ',') | Should -Be (($sorted.Check | Sort-Object) -join ',')
        (Test-CoreDumpConfig -Id $limitedPid, $PID | Sort-Object Verdict).Count | Should -Be 2
    }

    It 'keeps only what there is to fix with Where-Object Remedy' {
        $todo = (Test-CoreDumpConfig -Id $limitedPid).Checks | Where-Object Remedy
        $todo.Check | Should -Contain 'CoreLimit'
        $todo | ForEach-Object { $_.Status | Should -Not -Be 'Pass' }
        ($todo | Where-Object Check -eq CoreLimit).RemedySteps[0] | Should -Be "now: prlimit --pid $limitedPid --core=unlimited:"
    }

    It 'judges a mysqld by its core-file option' -ForEach @(
        @{ Arguments = @('sleep'); Status = 'Fail' }
        @{ Arguments = @('sleep', '--core-file'); Status = 'Pass' }
    ) {
        $mysqld = Start-CoreTarget -Directory $TestDrive -CoreLimit unlimited -Name mysqld -Arguments $Arguments
        try {
            $program = (Test-CoreDumpConfig -Name mysqld | Where-Object ProcessId -eq $mysqld.Pid).Checks | Where-Object Check -eq 'Program'
            $program.Status | Should -Be $Status
            $program.Actual | Should -BeLike 'mysqld: *'
        }
        finally { Stop-DiagTestTarget $mysqld }
    }

    It '-Verify proves a core with a probe, deletes it and leaves the process running' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'verify')
        $target = Start-CoreTarget -Directory $dir.FullName -CoreLimit unlimited
        try {
            $verdict = Test-CoreDumpConfig -Id $target.Pid -Verify
            $probe = $verdict.Checks | Where-Object Check -eq Probe
            $probe.Status | Should -Be 'Pass'
            $probe.Actual | Should -BeLike "core found: $($dir.FullName)/*, deleted"
            $verdict.Verified | Should -Be 'CoreFound'
            $verdict.Verdict | Should -BeIn @('Written', 'Truncated')
            Get-ChildItem $dir.FullName -Force | Should -BeNullOrEmpty
            $target.Process.HasExited | Should -BeFalse
        }
        finally { Stop-DiagTestTarget $target }
    }

    It 'says a zombie has exited instead of judging its limits' {
        $parent = Start-DiagTestTarget -Arguments zombie
        try {
            $zombie = [int]$parent.Threads['zombie']
            Test-CoreDumpConfig -Id $zombie -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be 'TargetExited,Diag.Commands.TestCoreDumpConfigCommand'
            "$($e[0])" | Should -BeLike '*has exited*zombie*'
        }
        finally { Stop-DiagTestTarget $parent }
    }

    It 'reads like a checklist at 80 columns, each remedy step on a line of its own' {
        $text = Test-CoreDumpConfig -Id $limitedPid | Out-String -Width 80
        $lines = $text -split "`n"
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines | Where-Object { $_ -match "^diag-test-target \($limitedPid\): NOTWRITTEN$" } | Should -HaveCount 1
        $lines | Where-Object { $_ -match '^  FAIL CoreLimit\s+soft 0, hard unlimited' } | Should -HaveCount 1
        # A command is copied from the screen whole: the step is one line.
        $lines | Where-Object { $_.TrimEnd() -eq "       > now: prlimit --pid $limitedPid --core=unlimited:" } | Should -HaveCount 1
    }

    It 'shows one line per process with Format-Table' {
        $text = Test-CoreDumpConfig -Id $limitedPid | Format-Table | Out-String -Width 80
        $text | Should -Match 'PID\s+PROCESS\s+VERDICT\s+FIX FIRST'
        $text | Should -Match "$limitedPid\s+diag-test-targ\S*\s+NotWritten\s+CoreLimit"
    }

    It 'shows everything at 120 columns, nothing cut' {
        $text = Test-CoreDumpConfig -Id $limitedPid | Out-String -Width 120
        $text | Should -Not -Match '…'
        $text | Should -Match ([regex]::Escape($TestDrive))
        $text | Should -Match 'No core: CoreLimit stops it'
    }

    It 'comes back from Start-Job with its checks as objects, formatted by the same views' {
        $job = Start-Job { param($modulePath, $id) Import-Module $modulePath; Test-CoreDumpConfig -Id $id } -ArgumentList (Get-DiagModulePath), $limitedPid
        $verdict = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force
        $verdict.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.CoreDumps.CoreDumpVerdict'
        $verdict.Verdict | Should -Be 'NotWritten'
        $limit = $verdict.Checks | Where-Object Check -eq CoreLimit
        $limit.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.CoreDumps.CoreDumpCheck'
        $limit.Status | Should -Be 'Fail'
        $text = $verdict | Out-String -Width 80
        $text | Should -Match 'NOTWRITTEN'
        $text | Should -Match 'FAIL CoreLimit'
    }

    It 'converts to JSON and CSV with readable values' {
        $verdict = Test-CoreDumpConfig -Id $limitedPid
        $json = $verdict | ConvertTo-Json -Depth 4 | ConvertFrom-Json   # names without -EnumsAsStrings
        $json.Verdict | Should -Be 'NotWritten'
        ($json.Checks | Where-Object Check -eq 'CoreLimit').Status | Should -Be 'Fail'
        $csv = Join-Path $TestDrive 'verdicts.csv'
        $verdict | Export-Csv $csv
        $row = Import-Csv $csv
        $row.Verdict | Should -Be 'NotWritten'
        $row.Blockers | Should -Be 'CoreLimit'
        $row.Checks | Should -BeLike '*Fail CoreLimit: soft 0, hard unlimited*'
        Get-Content -Raw $csv | Should -Not -Match 'System\.|Diag\.Linux'
        $checks = Join-Path $TestDrive 'checks.csv'
        $verdict.Checks | Export-Csv $checks
        (Import-Csv $checks | Where-Object Check -eq 'CoreLimit').Remedy | Should -BeLike 'now: prlimit*'
    }
}
