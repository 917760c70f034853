#Requires -Version 7.4
# Every example of `Get-Help <cmdlet> -Examples`, and every PowerShell line of README.md, runs here
# as a user would type it, in a fresh runspace with the module imported, against stand-ins for the
# servers it names. What each needs changed (a PID, a duration) is in HelpExamples.psd1; anything
# else runs verbatim. README lines that talk to SSH hosts run in Fleet.Tests.ps1, against real ones.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force
    $config = Import-PowerShellDataFile "$PSScriptRoot/HelpExamples.psd1"
    $examples = foreach ($command in Get-Command -Module Diag | Sort-Object Name) {
        $number = 0
        foreach ($example in (Get-Help $command.Name -Examples).Examples.Example) {
            $number++
            $key = "$($command.Name)/$number"
            @{ Key = $key; Code = $example.Code; Settings = $config.Examples[$key] ?? @{} }
        }
    }
    # README.md's statements, except those that talk to SSH hosts: tests/Fleet.Tests.ps1 runs them
    # against its test fleet.
    $statements = (Get-DiagReadmeStatement | Where-Object { -not $_.Fleet }).Code
    $number = 0
    $examples = @($examples) + @(foreach ($statement in $statements) {
            $number++
            $key = "README/$number"
            @{ Key = $key; Code = $statement; Settings = $config.Examples[$key] ?? @{} }
        })
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module "$PSScriptRoot/TestSupport/PacketDropScene.psm1" -Force
    # As if Diag were installed: examples that start a job (Start-Job { Trace-Syscall ... }) load it by name.
    $env:PSModulePath = (Split-Path (Split-Path (Get-DiagModulePath))) + [IO.Path]::PathSeparator + $env:PSModulePath
    $config = Import-PowerShellDataFile "$PSScriptRoot/HelpExamples.psd1"
    $script:standIns = @{}
    foreach ($s in $config.StandIns) {
        $script:standIns[$s.Name] = Start-DiagTestTarget -Arguments $s.Arguments -Name $s.Name -Via Daemon
    }

    # The command part of an example: an optional "PS> " prompt removed, sample output (after the
    # first blank line) left out.
    function Get-ExampleCommand {
        param([string] $Code)
        $lines = foreach ($line in $Code -split "`r?`n") {
            if (-not $line.Trim()) { break }
            $line -replace '^\s*PS>\s?', ''
        }
        $lines -join "`n"
    }

    function Expand-Token {
        param([string] $Text)
        [regex]::Replace($Text, '\{([^}]+)\}', {
                param($m)
                $parts = $m.Groups[1].Value.Split('.')
                switch ($parts[0]) {
                    'TestTarget' { return Get-DiagTestTargetPath }
                    'TestDrive' { return $TestDrive }
                }
                $standIn = $script:standIns[$parts[0]]
                if (-not $standIn) { throw "HelpExamples.psd1 names unknown stand-in $($parts[0])" }
                if ($parts[1] -eq 'Pid') { return [string]$standIn.Pid }
                if ($parts[1] -eq 'Thread') { return [string]$standIn.Threads[$parts[2]] }
                throw "unknown token $($m.Value)"
            })
    }
}

AfterAll {
    foreach ($s in $script:standIns.Values) { Stop-DiagTestTarget $s }
}

Describe 'Help examples run as written' {
    It '<Key>' -ForEach $examples {
        if ($Settings.Skip) { Set-ItResult -Skipped -Because $Settings.Skip; return }
        $command = Get-ExampleCommand $Code
        $command | Should -Not -BeNullOrEmpty
        foreach ($file in ($Settings.Files ?? @{}).GetEnumerator()) {
            $target = Join-Path $TestDrive $file.Key
            if ($file.Value -is [string] -and $file.Value.StartsWith('base64:')) { [IO.File]::WriteAllBytes($target, [Convert]::FromBase64String($file.Value.Substring(7))) }
            else { Set-Content -LiteralPath $target -Value $file.Value }
        }
        # Longest first, so that './server.conf' is replaced before './server'.
        foreach ($r in ($Settings.Replace ?? @{}).GetEnumerator() | Sort-Object { $_.Key.Length } -Descending) {
            $command.Contains($r.Key) | Should -BeTrue -Because "HelpExamples.psd1 replaces '$($r.Key)' in $Key"
            $command = $command.Replace($r.Key, (Expand-Token $r.Value))
        }

        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule((Get-DiagModulePath))
        $ps = [powershell]::Create($state)
        # Packets the kernel drops while the example watches (Get-PacketDrop's examples).
        $scene = if ($Settings['Scene']) { Start-PacketDropScene -Name $Settings['Scene'] }
        try {
            # Relative paths (./out/Diag/Diag.psd1 in the README) are from the repository root.
            $where = if ($Key -like 'README/*') { (Resolve-Path "$PSScriptRoot/..").Path } else { $TestDrive }
            $null = $ps.AddScript("Set-Location '$where'; & {
$command
} | Out-String -Width 120")
            $async = $ps.BeginInvoke()
            $limit = if ($Settings.StopAfter) { $Settings.StopAfter * 1000 } else { 60000 }
            if (-not $async.AsyncWaitHandle.WaitOne($limit)) {
                $Settings.StopAfter | Should -Not -BeNullOrEmpty -Because "$Key did not finish within 60 s"
                $ps.Stop()
            }
            $text = try { $ps.EndInvoke($async) -join "`n" } catch [System.Management.Automation.PipelineStoppedException] { '' }
            $errors = @($ps.Streams.Error)
            if ($Settings.ExpectErrorId) {
                $errors.FullyQualifiedErrorId | Should -Contain $Settings.ExpectErrorId
            }
            else {
                $errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" } | Should -BeNullOrEmpty -Because "$Key must run cleanly:`n$command"
            }
            if (-not $Settings.AllowEmpty -and -not $Settings.StopAfter -and -not $Settings.ExpectErrorId) {
                $text.Trim() | Should -Not -BeNullOrEmpty -Because "$Key should show something"
            }
            # What the example's text says it shows, as the 120-column output must show it.
            foreach ($pattern in @($Settings.Shows)) {
                if ($pattern) { $text | Should -Match $pattern -Because "$Key's text says so:`n$command" }
            }
            # What the example's text says it shows.
            # (Indexed: $Settings.Contains would be the hashtable's Contains method.)
            foreach ($expected in @($Settings['Contains'] | Where-Object { $_ })) {
                $text | Should -BeLike "*$expected*" -Because "$Key says it shows $expected"
            }
        }
        finally {
            $ps.Dispose()
            Stop-PacketDropScene $scene
        }
    }
}
