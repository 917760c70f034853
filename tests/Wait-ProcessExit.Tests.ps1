# Pester 5 tests of Wait-ProcessExit in a real pwsh: waiting for processes this session did not start, in a job,
# as a user without root, a crash with its core, -Any with Get-Process input. Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # Waits until some process holds a pidfd of $TargetPid (the wait has begun), so the test can then end the target.
    function Wait-DiagPidfd {
        param([int] $TargetPid)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline) {
            foreach ($info in Get-ChildItem /proc/[0-9]*/fdinfo/* -ErrorAction SilentlyContinue) {
                try { if ([IO.File]::ReadAllText($info.FullName).Contains("Pid:`t$TargetPid`n")) { return } } catch { }
            }
            Start-Sleep -Milliseconds 50
        }
        throw "nobody waits for $TargetPid"
    }
}

Describe 'Wait-ProcessExit' {
    It 'returns the exit code to a job that waits for a process it did not start' {
        $target = Start-DiagTestTarget -Arguments exits
        try {
            $job = Start-Job { param($module, $id) Import-Module $module; Wait-ProcessExit -Id $id } -ArgumentList (Get-DiagModulePath), $target.Pid
            Wait-DiagPidfd $target.Pid
            $target.Process.StandardInput.WriteLine('exit 42')
            $exit = $job | Receive-Job -Wait -AutoRemoveJob
            $exit.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.Exits.ProcessExit'
            $exit.ExitCode | Should -Be 42
            $exit.Reason | Should -Be 'Exited'
            $exit.Lifetime | Should -BeOfType [timespan]
            ($exit | Out-String -Width 80) | Should -Match "$($target.Pid) \S+\s+exit 42\s+\d\d:\d\d:\d\d\.\d{3}"
        }
        finally { Stop-DiagTestTarget $target }
    }

    It 'says a crash dumped core' {
        $previous = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $TestDrive # kernel.core_pattern 'core' writes into the crashing process's directory
        try { $target = Start-DiagTestTarget -Arguments exits }
        finally { [Environment]::CurrentDirectory = $previous }
        try {
            $ps = [powershell]::Create().AddScript("Import-Module '$(Get-DiagModulePath)'; Wait-ProcessExit -Id $($target.Pid)")
            $async = $ps.BeginInvoke()
            Wait-DiagPidfd $target.Pid
            $target.Process.StandardInput.WriteLine('crash')
            $exit = $ps.EndInvoke($async)
            $exit.Signal | Should -Be 'SIGSEGV'
            $exit.CoreDumped | Should -BeTrue
            $exit.ShellExitCode | Should -Be 139
            Get-ChildItem $TestDrive -Filter 'core*' | Should -Not -BeNullOrEmpty
        }
        finally { $ps.Dispose(); Stop-DiagTestTarget $target; Remove-Item "$TestDrive/core*" -ErrorAction SilentlyContinue }
    }

    It 'takes Get-Process input and returns the first exit with -Any' {
        $a = Start-DiagTestTarget -Arguments exits -Name backup-a -Via Daemon
        $b = Start-DiagTestTarget -Arguments exits -Name backup-b -Via Daemon
        try {
            $ps = [powershell]::Create().AddScript("Import-Module '$(Get-DiagModulePath)'; Get-Process backup-* | Wait-ProcessExit -Any")
            $async = $ps.BeginInvoke()
            Wait-DiagPidfd $a.Pid
            Wait-DiagPidfd $b.Pid
            $b.Process.StandardInput.WriteLine('raise 15')
            $exit = $ps.EndInvoke($async)
            $exit.ProcessId | Should -Be $b.Pid
            $exit.Signal | Should -Be 'SIGTERM'
            Test-Path "/proc/$($a.Pid)" | Should -BeTrue
        }
        finally { $ps.Dispose(); Stop-DiagTestTarget $a; Stop-DiagTestTarget $b }
    }

    It 'names the process still running at -Timeout' {
        $target = Start-DiagTestTarget -Arguments exits
        try {
            $null = Wait-ProcessExit -Id $target.Pid -Timeout 0.3 -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -Be 'ProcessNotTerminated,Diag.Commands.WaitProcessExitCommand'
            "$($e[0])" | Should -Match "Process $($target.Pid) \(\S+\) was still running when the 0.3-second timeout expired"
        }
        finally { Stop-DiagTestTarget $target }
    }
}

Describe 'Wait-ProcessExit as a user without root' -Skip:([Environment]::UserName -ne 'root') {
    AfterAll { Remove-DiagUnprivilegedPwsh }

    It 'waits for root''s process and reads its exit code' {
        $target = Start-DiagTestTarget -Arguments exits
        try {
            $job = Start-ThreadJob { param($id) Invoke-DiagAsNobody "(Wait-ProcessExit -Id $id).ExitCode" } -ArgumentList $target.Pid -InitializationScript ([scriptblock]::Create("Import-Module '$PSScriptRoot/TestSupport/DiagTestSupport.psm1'"))
            Wait-DiagPidfd $target.Pid
            $target.Process.StandardInput.WriteLine('exit 7')
            "$($job | Receive-Job -Wait -AutoRemoveJob)" | Should -Be '7'
        }
        finally { Stop-DiagTestTarget $target }
    }
}
