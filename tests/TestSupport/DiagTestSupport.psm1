# Shared by the Pester files: the built module, the C test target, stand-ins for the servers that help
# examples name, and a look at a process's state. Import it in BeforeAll:
#     Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force

$script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:targetPath = Join-Path $script:repoRoot 'out/test-target/diag-test-target'

function Get-DiagModulePath { Join-Path $script:repoRoot 'out/Diag/Diag.psd1' }

function Get-DiagTestTargetPath {
    if (-not (Test-Path $script:targetPath)) {
        throw "The test target is missing: build first (dotnet build Diag.slnx -c Release writes $script:targetPath)."
    }
    $script:targetPath
}

<#
.SYNOPSIS
    Starts diag-test-target MODE ARGS and waits for its READY line.
.DESCRIPTION
    -Via Spawn (default) runs the mode in a child of the started process, and -Via Daemon in an orphan
    (its starter exits at once): either way the target is not a child of this session, which a tracer
    in this session could not trace. -Via Direct starts the mode itself (a child of this session).
    -Name runs a copy of the target under that name (a stand-in for "vpnserver" or "mysqld").
    Processes maps the roles of the processes a pipe or socket mode creates ("PROCESS role pid") to their PIDs.
    The target runs until Stop-DiagTestTarget closes its standard input.
#>
function Start-DiagTestTarget {
    param(
        [Parameter(Mandatory)] [string[]] $Arguments,
        [ValidateSet('Spawn', 'Daemon', 'Direct')] [string] $Via = 'Spawn',
        [string] $Name
    )
    $exe = Get-DiagTestTargetPath
    if ($Name) {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "diag-standin-$PID"
        $null = New-Item -ItemType Directory -Force -Path $dir
        $copy = Join-Path $dir $Name
        if (-not (Test-Path $copy)) { Copy-Item $exe $copy; chmod 755 $copy }
        $exe = $copy
    }
    $info = [System.Diagnostics.ProcessStartInfo]::new($exe)
    $prefix = switch ($Via) { 'Spawn' { @('spawn') } 'Daemon' { @('daemon') } default { @() } }
    foreach ($a in @($prefix) + $Arguments) { $info.ArgumentList.Add([string]$a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $threads = @{}
    $processes = @{}
    $readyPid = 0
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not $readyPid) {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait($deadline - [DateTime]::UtcNow) -or $null -eq $read.Result) {
            try { $process.Kill($true) } catch { }
            throw "diag-test-target $Arguments did not print READY"
        }
        $parts = $read.Result.Split(' ')
        if ($parts[0] -eq 'THREAD') { $threads[$parts[1]] = [int]$parts[2] }
        if ($parts[0] -eq 'PROCESS') { $processes[$parts[1]] = [int]$parts[2] }
        if ($parts[0] -eq 'READY') { $readyPid = [int]$parts[1] }
    }
    [pscustomobject]@{ Process = $process; Pid = $readyPid; Threads = $threads; Processes = $processes; Path = $exe }
}

function Stop-DiagTestTarget {
    param($Target)
    if (-not $Target) { return }
    try { $Target.Process.StandardInput.Close() } catch { }
    # The target exits on end of input; a daemon is not our child, so wait for its pid to go.
    $deadline = [DateTime]::UtcNow.AddSeconds(3)
    while ((Test-Path "/proc/$($Target.Pid)") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    if (Test-Path "/proc/$($Target.Pid)") { Stop-Process -Id $Target.Pid -Force -ErrorAction SilentlyContinue }
    if (-not $Target.Process.HasExited) { $Target.Process.Kill($true) }
    $Target.Process.Dispose()
}

# The one-letter state of a process from /proc; 't' or 'T' would mean a tracer left it stopped.
function Get-DiagProcessState {
    param([int] $ProcessId)
    $stat = Get-Content -Raw "/proc/$ProcessId/stat"
    $stat.Substring($stat.LastIndexOf(')') + 2, 1)
}

# TracerPid from /proc/PID/status: 0 when nothing traces the process.
function Get-DiagTracerPid {
    param([int] $ProcessId)
    [int]((Get-Content "/proc/$ProcessId/status" | Select-String '^TracerPid:').Line -replace '\D', '')
}

<#
.SYNOPSIS
    The PowerShell statements of README.md, in order: each statement of a ```powershell block
    (continuation lines are indented), then the pwsh part of the ```sh getting-started command.
.OUTPUTS
    Code, Section (the "## " heading above it) and Fleet: whether it talks to SSH hosts (it is in the
    "Across a fleet" section or names a host webN). tests/Fleet.Tests.ps1 runs those against the test
    fleet; tests/Help.Examples.Tests.ps1 runs the others.
#>
function Get-DiagReadmeStatement {
    $readme = Get-Content -Raw (Join-Path $script:repoRoot 'README.md')
    $headings = [regex]::Matches($readme, '(?m)^## (.+?)\s*$')
    foreach ($block in [regex]::Matches($readme, '(?ms)^```powershell\r?\n(.*?)^```')) {
        $heading = $headings | Where-Object Index -lt $block.Index | Select-Object -Last 1
        $section = if ($heading) { $heading.Groups[1].Value } else { '' }
        $statements = [System.Collections.Generic.List[string]]::new()
        $current = $null
        foreach ($line in $block.Groups[1].Value -split "`r?`n") {
            if (-not $line.Trim()) { continue }
            if ($line -match '^\s' -and $current) { $current += "`n" + $line } else { if ($current) { $statements.Add($current) }; $current = $line }
        }
        if ($current) { $statements.Add($current) }
        foreach ($code in $statements) {
            [pscustomobject]@{ Code = $code; Section = $section; Fleet = $section -eq 'Across a fleet' -or $code -match '\bweb\d\b' }
        }
    }
    foreach ($m in [regex]::Matches($readme, "dotnet pwsh -NoProfile -Command '([^']+)'")) {
        [pscustomobject]@{ Code = $m.Groups[1].Value; Section = 'Getting started'; Fleet = $false }
    }
}

<#
.SYNOPSIS
    Runs a command in a pwsh as user and group 65534 (nobody), with the module imported, and returns its output.
.DESCRIPTION
    The pinned pwsh lives under root's NuGet folder, which nobody cannot enter: it is copied once per session to
    /tmp/diag-pwsh-PID (Remove-DiagUnprivilegedPwsh deletes it). HOME is a fresh directory nobody may write.
#>
function Invoke-DiagAsNobody {
    param([Parameter(Mandatory)] [string] $Command)
    $copy = "/tmp/diag-pwsh-$PID"
    if (-not (Test-Path "$copy/pwsh")) {
        $null = New-Item -ItemType Directory -Force -Path $copy, "$copy-home"
        Copy-Item -Recurse -Force -Path "$PSHOME/*" -Destination $copy
        chmod -R a+rX $copy
        chown 65534:65534 "$copy-home"
    }
    $script = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$(Get-DiagModulePath)' -ErrorAction Stop; $Command"
    & env "HOME=$copy-home" "DOTNET_CLI_HOME=$copy-home" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$copy/pwsh" -NoProfile -NonInteractive -OutputFormat Text -Command $script 2>&1
}

function Remove-DiagUnprivilegedPwsh {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -Path "/tmp/diag-pwsh-$PID", "/tmp/diag-pwsh-$PID-home"
}

Export-ModuleMember -Function Get-DiagModulePath, Get-DiagTestTargetPath, Start-DiagTestTarget, Stop-DiagTestTarget,
    Get-DiagProcessState, Get-DiagTracerPid, Get-DiagReadmeStatement, Invoke-DiagAsNobody, Remove-DiagUnprivilegedPwsh
