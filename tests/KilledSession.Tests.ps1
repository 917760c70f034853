#Requires -Version 7.4
# Nothing Diag starts outlives the pwsh that started it: a pwsh killed with SIGKILL (the OOM killer, kill -9, a
# dropped SSH connection) while a command it launched for a trace, or a core probe, is between its start and the
# tracer's takeover, leaves no process stopped or orphaned. The child stops itself before execve until the tracer
# seizes it; without PR_SET_PDEATHSIG it stayed in state T under init for ever, holding the dead pwsh's descriptors.
# Needs root (ptrace, eBPF) and the test target built by `dotnet test` (out/test-target/diag-test-target).

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    $script:module = Get-DiagModulePath
    $script:target = Get-DiagTestTargetPath
    $script:pwsh = (Get-Process -Id $PID).Path

    # The direct children of a process, from /proc/PID/task/*/children (any thread may have cloned them), read with
    # plain .NET calls: a probe lives a few milliseconds, and each poll must be shorter than that.
    function Get-ChildId {
        param([int] $ProcessId)
        try {
            foreach ($task in [IO.Directory]::GetDirectories("/proc/$ProcessId/task")) {
                try { [IO.File]::ReadAllText("$task/children").Split(' ', [StringSplitOptions]::RemoveEmptyEntries) | ForEach-Object { [int]$_ } }
                catch [IO.IOException] { }
            }
        }
        catch [IO.IOException] { }
    }

    # Starts a pwsh that imports the module and runs $Command; as soon as it has a child other than the ones a
    # pwsh starts by itself (none here), kills it with SIGKILL. Returns the children seen at that moment.
    function Invoke-KilledWhileLaunching {
        param([string] $Command)
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:pwsh)
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$script:module'; $Command") { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.RedirectStandardInput = $true
        $session = [System.Diagnostics.Process]::Start($info)
        try {
            $children = @()
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            # Poll as the reliability probe did: the first moment a child exists is the launch window.
            while (-not $children -and -not $session.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                $children = @(Get-ChildId $session.Id)
            }
            $children.Count | Should -BeGreaterThan 0 -Because "the session launches a child: $Command"
            [System.Diagnostics.Process]::GetProcessById($session.Id).Kill() # SIGKILL: no cleanup code runs
            $session.WaitForExit()
            $children
        }
        finally {
            if (-not $session.HasExited) { $session.Kill() }
            $session.Dispose()
        }
    }

    # Waits until none of $ProcessId exists (init reaps what dies); the ones still there after a minute are left over.
    function Get-Survivor {
        param([int[]] $ProcessId)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            $alive = @($ProcessId | Where-Object { Test-Path "/proc/$_" })
            if (-not $alive) { return @() }
            Start-Sleep -Milliseconds 50
        } while ([DateTime]::UtcNow -lt $deadline)
        foreach ($id in $alive) {
            $parent = (Get-Content "/proc/$id/stat" -Raw).Split(')')[1].Split(' ')[2]
            "$id (state $(Get-DiagProcessState $id), parent $parent)"
        }
    }
}

Describe 'A pwsh killed while Diag launches a child leaves nothing behind' {
    It 'Trace-Syscall -FilePath with the <Backend> backend, killed at the launch, five times in a row' -ForEach @(
        @{ Backend = 'Ptrace' }
        @{ Backend = 'Kernel' }
    ) {
        for ($i = 0; $i -lt 5; $i++) {
            $children = Invoke-KilledWhileLaunching "Trace-Syscall -Backend $Backend -FilePath sleep -ArgumentList 100"
            Get-Survivor $children | Should -BeNullOrEmpty -Because "run $i left the launched command behind"
        }
    }

    It 'Test-CoreDumpConfig -Verify, killed while the probe runs, five times in a row' {
        # A process whose core would be written (its own directory, no core limit), verified again and again until
        # the poll meets a probe between its start and its crash.
        $previous = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $TestDrive
        try { $subject = Start-DiagTestTarget -Arguments sleep -Via Direct }
        finally { [Environment]::CurrentDirectory = $previous }
        try {
            & prlimit --pid $subject.Pid --core=unlimited:unlimited
            for ($i = 0; $i -lt 5; $i++) {
                $children = Invoke-KilledWhileLaunching "while (`$true) { `$null = Test-CoreDumpConfig -Id $($subject.Pid) -Verify -Confirm:`$false }"
                Get-Survivor $children | Should -BeNullOrEmpty -Because "run $i left the core probe behind"
            }
            Get-DiagProcessState $subject.Pid | Should -BeIn 'S', 'R' -Because 'the checked process itself is never touched'
        }
        finally { Stop-DiagTestTarget $subject }
    }
}
