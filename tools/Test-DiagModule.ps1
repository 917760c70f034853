#Requires -Version 7.4
<#
.SYNOPSIS
    Says, host by host, whether Diag is installed and the same version as here.

.DESCRIPTION
    Before a fleet-wide Invoke-Command, one row per host: Ok, Missing (no Diag in that host's
    $env:PSModulePath: Get-ThreadCpu would fail there as an unknown command), OtherVersion (the host
    would import another Diag than this session's; Detail names both), or Unreachable (with -HostName:
    the connection failed). Each host that is not Ok also gets one warning saying what to do.
    The version compared is the one the host would import (its newest), against this session's Diag
    (the one imported, else the newest in $env:PSModulePath) or -Version.

.EXAMPLE
    ./tools/Test-DiagModule.ps1 -Session (New-PSSession -HostName web1, web2, web3)

.EXAMPLE
    ./tools/Test-DiagModule.ps1 -HostName web1, web2, web3 | Where-Object Status -ne Ok
#>
[CmdletBinding(DefaultParameterSetName = 'Session')]
param(
    # Sessions to the hosts (New-PSSession -HostName ...).
    [Parameter(Mandatory, ParameterSetName = 'Session', ValueFromPipeline)]
    [System.Management.Automation.Runspaces.PSSession[]] $Session,

    # Hosts to connect to over SSH for this check only.
    [Parameter(Mandatory, ParameterSetName = 'HostName', Position = 0)]
    [string[]] $HostName,

    # The version every host should have; by default this session's Diag.
    [version] $Version
)

begin {
    if (-not $Version) {
        $local = @(Get-Module Diag) + @(Get-Module Diag -ListAvailable | Sort-Object Version -Descending) | Select-Object -First 1
        if (-not $local) { throw 'Diag is neither imported nor in $env:PSModulePath here: import it, or give -Version.' }
        $Version = $local.Version
    }
    $probe = {
        [pscustomobject]@{
            Versions   = @(Get-Module Diag -ListAvailable | ForEach-Object { $_.Version.ToString() })
            ModulePath = $env:PSModulePath
        }
    }
    function Write-Status([string] $ComputerName, [string] $Status, [string] $RemoteVersion, [string] $Detail) {
        if ($Status -ne 'Ok') { Write-Warning "${ComputerName}: $Detail" }
        [pscustomobject]@{ ComputerName = $ComputerName; Status = $Status; Version = $RemoteVersion; Detail = $Detail }
    }
    $sessions = [System.Collections.Generic.List[object]]::new()
}

process { if ($Session) { $sessions.AddRange($Session) } }

end {
    $failed = @()
    $answers = if ($PSCmdlet.ParameterSetName -eq 'HostName') {
        Invoke-Command -HostName $HostName -ScriptBlock $probe -ErrorAction SilentlyContinue -ErrorVariable failed
    }
    else { Invoke-Command -Session $sessions -ScriptBlock $probe -ErrorAction SilentlyContinue -ErrorVariable failed }
    foreach ($e in $failed) {
        $name = if ($e.OriginInfo.PSComputerName) { $e.OriginInfo.PSComputerName } else { [string]$e.TargetObject }
        Write-Status $name 'Unreachable' '' "not reachable: $($e.Exception.Message)"
    }
    foreach ($a in $answers) {
        $newest = $a.Versions | Sort-Object { [version]$_ } -Descending | Select-Object -First 1
        if (-not $newest) {
            Write-Status $a.PSComputerName 'Missing' '' ("has no Diag module in its PSModulePath ($($a.ModulePath)): " +
                'copy it with tools/Copy-DiagModule.ps1 -Session (New-PSSession -HostName ...).')
        }
        elseif ([version]$newest -ne $Version) {
            Write-Status $a.PSComputerName 'OtherVersion' $newest ("would import Diag $newest, this session has $($Version): " +
                'copy this one with tools/Copy-DiagModule.ps1, or import the same version here.')
        }
        else { Write-Status $a.PSComputerName 'Ok' $newest "Diag $newest" }
    }
}
