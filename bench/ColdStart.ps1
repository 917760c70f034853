#Requires -Version 7.4
<#
.SYNOPSIS
    What a user waits for in a fresh pwsh: Import-Module Diag and the first call of each cmdlet, against the
    second call, and the first Get-ThreadCpu against top -H -b -n 1 started at the same moment.

.DESCRIPTION
    Each measurement is a new pwsh process (dotnet pwsh, the pinned tool), so nothing is compiled or cached
    before it, as for a user who opens a terminal; runs of the module folders given are interleaved so that the
    machine's load falls on all of them alike. Times are wall clock (what a person waits) and CPU time of the pwsh
    process (what the machine pays, steadier under load); medians of -Runs.
      bare      pwsh -NoProfile -Command exit, whole process (for reference)
      import    Import-Module Diag in that process
      first     the cmdlet's first call (JIT compilation of what it touches included), second: the same call again
    top race: in a fresh pwsh with Diag imported, `top -H -b -n 1 -p PID` is started and Get-ThreadCpu -Id PID
    -Interval 0.15 runs at once (top's first frame sleeps 150 ms for its %CPU baseline too); each one's time from
    the common start to its end.

.EXAMPLE
    mkdir -p /tmp/il && cp -r out/Diag /tmp/il/ && cp src/Diag/bin/Release/net8.0/Diag.dll src/Diag/bin/Release/net8.0/Diag.Linux.dll /tmp/il/Diag/
    dotnet pwsh -NoProfile -Command "& bench/ColdStart.ps1 -ModulePath out/Diag/Diag.psd1, /tmp/il/Diag/Diag.psd1 -Runs 7"

    The module as built (ReadyToRun, out/Diag) against the same folder with the build's plain IL assemblies.
#>
param(
    [string[]] $ModulePath = @((Join-Path $PSScriptRoot '../out/Diag/Diag.psd1')),
    [int] $Runs = 7,
    # Only these cmdlets' first calls (all by default); the top race always runs.
    [string[]] $Cmdlet = @()
)

$ErrorActionPreference = 'Stop'
# Absolute: each child pwsh imports by this path.
$ModulePath = @($ModulePath | ForEach-Object { (Resolve-Path -LiteralPath $_).Path })
$pwsh = Join-Path $PSHOME 'pwsh'
$targetExe = Join-Path $PSScriptRoot '../out/test-target/diag-test-target'
$i = [cultureinfo]::InvariantCulture

# A 1001-thread target (as the threadcpu benchmark's) for Get-ThreadCpu, Get-ThreadStack and the top race.
$info = [Diagnostics.ProcessStartInfo]::new($targetExe)
foreach ($a in 'threads', '1000', '0') { $info.ArgumentList.Add($a) }
$info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
$target = [Diagnostics.Process]::Start($info)
while (($line = $target.StandardOutput.ReadLine()) -notlike 'READY*') { }
$targetPid = $target.Id

$calls = [ordered]@{
    'Get-ThreadCpu'       = "Get-ThreadCpu -Id $targetPid -Interval 0.1"
    'Trace-Syscall'       = "Trace-Syscall -FilePath '$targetExe' -ArgumentList getppid, 1000, 0"
    'Get-ThreadStack'     = "Get-ThreadStack -Id $targetPid -ThreadId $targetPid"
    'Get-PipePeer'        = "Get-PipePeer -Id $targetPid"
    'Test-CoreDumpConfig' = "Test-CoreDumpConfig -Id $targetPid"
    'ConvertFrom-Toa'     = "ConvertFrom-Toa -Hex 'c80830390a0a0101'"
}

function Invoke-Fresh([string] $Script) {
    $json = & $pwsh -NoProfile -NonInteractive -Command ("`$ErrorActionPreference = 'Stop'`n" + $Script)
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed: $json" }
    $json | Select-Object -Last 1 | ConvertFrom-Json
}

function Measure-Call([string] $Module, [string] $Call) {
    # The interval of Get-ThreadCpu (0.1 s) is left out of its times: it is waiting, not work.
    $wait = if ($Call -like 'Get-ThreadCpu*') { 100 } else { 0 }
    Invoke-Fresh @"
`$p = [Diagnostics.Process]::GetCurrentProcess()
function Cpu { `$p.Refresh(); `$p.TotalProcessorTime.TotalMilliseconds }
`$c0 = Cpu; `$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module '$Module'
`$import = `$sw.Elapsed.TotalMilliseconds; `$c1 = Cpu; `$sw.Restart()
`$null = $Call
`$first = `$sw.Elapsed.TotalMilliseconds - $wait; `$c2 = Cpu; `$sw.Restart()
`$null = $Call
`$second = `$sw.Elapsed.TotalMilliseconds - $wait; `$c3 = Cpu
[pscustomobject]@{ Import = `$import; ImportCpu = `$c1 - `$c0; First = `$first; FirstCpu = `$c2 - `$c1; Second = `$second; SecondCpu = `$c3 - `$c2 } | ConvertTo-Json -Compress
"@
}

function Measure-TopRace([string] $Module) {
    Invoke-Fresh @"
Import-Module '$Module'
`$start = [DateTime]::Now
`$top = Start-Process top -ArgumentList '-H', '-b', '-n', '1', '-p', $targetPid -RedirectStandardOutput /dev/null -PassThru
`$null = Get-ThreadCpu -Id $targetPid -Interval 0.15
`$diag = ([DateTime]::Now - `$start).TotalMilliseconds
`$top.WaitForExit()
[pscustomobject]@{ Diag = `$diag; Top = (`$top.ExitTime - `$start).TotalMilliseconds } | ConvertTo-Json -Compress
"@
}

function Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }

try {
    $bare = foreach ($n in 1..$Runs) { (Measure-Command { & $pwsh -NoProfile -NonInteractive -Command exit }).TotalMilliseconds }
    "{0,-22} {1,8:F0} ms wall (median of {2}; {3} CPUs, load {4})" -f 'bare pwsh start', (Median $bare), $Runs, [Environment]::ProcessorCount, (Get-Content /proc/loadavg).Split(' ')[0]
    foreach ($name in @($calls.Keys | Where-Object { -not $Cmdlet -or $_ -in $Cmdlet })) {
        $results = @{}
        foreach ($m in $ModulePath) { $results[$m] = [Collections.Generic.List[object]]::new() }
        foreach ($n in 1..$Runs) { foreach ($m in $ModulePath) { $results[$m].Add((Measure-Call $m $calls[$name])) } }
        foreach ($m in $ModulePath) {
            $r = $results[$m]
            "{0,-22} import {1,6:F0} ms ({2,5:F0} CPU)  first {3,6:F0} ms ({4,5:F0} CPU)  second {5,6:F0} ms ({6,5:F0} CPU)  [{7}]" -f $name,
                (Median $r.Import), (Median $r.ImportCpu), (Median $r.First), (Median $r.FirstCpu), (Median $r.Second), (Median $r.SecondCpu), $m
        }
    }
    foreach ($m in $ModulePath) {
        $race = foreach ($n in 1..$Runs) { Measure-TopRace $m }
        $wins = @($race | Where-Object { $_.Diag -lt $_.Top }).Count
        "{0,-22} first Get-ThreadCpu -Interval 0.15 {1,6:F0} ms, top -H -b -n 1 {2,6:F0} ms (medians); Diag first in {3} of {4} runs  [{5}]" -f 'top race',
            (Median $race.Diag), (Median $race.Top), $wins, $Runs, $m
    }
}
finally {
    $target.StandardInput.Close()
    if (-not $target.WaitForExit(3000)) { $target.Kill() }
}
