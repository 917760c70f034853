#!/usr/bin/env pwsh
#Requires -Version 7.4
<#
.SYNOPSIS
    Fan-out over SSH remoting: the wall time to sample every thread (Get-ThreadCpu with a fixed
    -Interval) on N hosts with one Invoke-Command, against N Invoke-Commands one host after another.

.DESCRIPTION
    Without -HostName, starts a test fleet of max(-Count) hosts on this machine
    (tests/TestSupport/DiagFleet.psm1: one sshd per host, each in its own network namespace as root,
    else on loopback ports), copies the built Diag to them with tools/Copy-DiagModule.ps1, and takes the
    fleet down at the end. With -HostName, measures those hosts (with Diag installed, and the ssh
    settings in $PSDefaultParameterValues or ~/.ssh/config).

    Two ways of calling are measured, each as fan-out (one Invoke-Command, all N hosts) and as
    sequential (N Invoke-Commands):
      Connect  Invoke-Command -HostName: each call opens SSH connections and starts pwsh on the hosts,
               as a one-off command from a terminal does.
      Session  Invoke-Command -Session over sessions opened beforehand: the sampling alone.
    Each figure is the median of -Repeat runs, fan-out and sequential interleaved; every run must bring
    back samples from exactly its N hosts. Speedup is sequential / fan-out. The hosts of the test fleet share this machine's CPUs, so
    what runs on them at once competes for the same cores (a real fleet has its own).

    Build first (dotnet build Diag.slnx -c Release); needs root for namespaces and sshd
    (apt-get install -y openssh-server iproute2).

.EXAMPLE
    dotnet pwsh -NoProfile -File bench/FleetFanOut.ps1

.EXAMPLE
    ./bench/FleetFanOut.ps1 -Count 1, 3 -Interval 0.2 -Repeat 1 -HostName web1, web2, web3 -PassThru
#>
[CmdletBinding()]
param(
    # Existing hosts to measure instead of a test fleet.
    [string[]] $HostName,

    # Numbers of hosts to measure.
    [string[]] $Count = @(1, 3, 6),

    # Get-ThreadCpu -Interval, in seconds.
    [double] $Interval = 1,

    # Runs per figure (the median is reported).
    [int] $Repeat = 3,

    # Write the figures as objects (Mode, Hosts, FanOutSeconds, SequentialSeconds, Speedup,
    # SamplesPerCall) instead of a table.
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path $PSScriptRoot
# pwsh -File passes '1,3' as one string (which [int] would read as 13): split it as PowerShell would have.
[int[]] $Count = $Count -split ',' | ForEach-Object { [int]$_.Trim() }
$largest = ($Count | Measure-Object -Maximum).Maximum

$fleet = $null
if (-not $HostName) {
    Import-Module (Join-Path $root 'tests/TestSupport/DiagFleet.psm1') -Force
    $fleet = New-DiagFleet -Name (1..$largest | ForEach-Object { "bench$_" })
    Write-Host "Fleet: $largest hosts, $($fleet.Mode) mode ($($fleet.ModeReason))"
    # A local copy: the one a caller may have set stays as it was.
    $PSDefaultParameterValues = $PSDefaultParameterValues.Clone()
    foreach ($key in $fleet.DefaultParameterValues.Keys) { $PSDefaultParameterValues[$key] = $fleet.DefaultParameterValues[$key] }
    $HostName = $fleet.Hosts.HostName
    $setup = New-PSSession -HostName $HostName
    $null = & (Join-Path $root 'tools/Copy-DiagModule.ps1') -Session $setup -Path (Join-Path $root 'out/Diag')
    Remove-PSSession $setup
}
if ($HostName.Count -lt $largest) { throw "-Count $largest needs as many hosts; -HostName gives $($HostName.Count)." }

# Every thread of the host. (Threads that refuse ptrace, such as a container's init, only lose their
# syscall column; the warning that says so would repeat once per call.)
$sample = { param($Seconds) Get-ThreadCpu -Interval $Seconds -WarningAction SilentlyContinue }

# Runs $Call, checks that the samples came from exactly $Hosts, returns the wall time in seconds.
function Measure-Call {
    param([scriptblock] $Call, [string[]] $Hosts)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $rows = @(& $Call)
    $seconds = $watch.Elapsed.TotalSeconds
    $answered = @($rows | ForEach-Object PSComputerName | Sort-Object -Unique)
    if ($answered.Count -ne $Hosts.Count) { throw "$($Hosts.Count) hosts asked, $($answered.Count) answered ($($answered -join ', '))." }
    [pscustomobject]@{ Seconds = $seconds; Rows = $rows.Count }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

$sessions = @()
try {
    $sessions = @(New-PSSession -HostName $HostName[0..($largest - 1)])
    $figures = foreach ($mode in 'Connect', 'Session') {
        foreach ($n in $Count) {
            $hosts = $HostName[0..($n - 1)]
            $open = $sessions[0..($n - 1)]
            $fanOut = [System.Collections.Generic.List[double]]::new()
            $sequential = [System.Collections.Generic.List[double]]::new()
            $rows = 0
            for ($run = 0; $run -lt $Repeat; $run++) {
                if ($mode -eq 'Connect') {
                    $one = Measure-Call { Invoke-Command -HostName $hosts -ScriptBlock $sample -ArgumentList $Interval } $hosts
                    $each = Measure-Call { foreach ($h in $hosts) { Invoke-Command -HostName $h -ScriptBlock $sample -ArgumentList $Interval } } $hosts
                }
                else {
                    $one = Measure-Call { Invoke-Command -Session $open -ScriptBlock $sample -ArgumentList $Interval } $hosts
                    $each = Measure-Call { foreach ($s in $open) { Invoke-Command -Session $s -ScriptBlock $sample -ArgumentList $Interval } } $hosts
                }
                $fanOut.Add($one.Seconds)
                $sequential.Add($each.Seconds)
                $rows = $one.Rows
            }
            $one = Get-Median $fanOut
            $each = Get-Median $sequential
            [pscustomobject]@{
                Mode                 = $mode
                Hosts                = $n
                FanOutSeconds        = [math]::Round($one, 2)
                SequentialSeconds    = [math]::Round($each, 2)
                # How many times faster one fan-out call is than N calls in a row.
                Speedup              = [math]::Round($each / $one, 2)
                SamplesPerCall       = $rows
            }
        }
    }
    if ($PassThru) { $figures } else { $figures | Format-Table -AutoSize | Out-String -Width 120 }
}
finally {
    if ($sessions) { Remove-PSSession $sessions }
    if ($fleet) { Remove-DiagFleet $fleet }
}
