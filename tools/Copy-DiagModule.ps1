#Requires -Version 7.4
<#
.SYNOPSIS
    Copies the Diag module to remote hosts through their PowerShell sessions (Copy-Item -ToSession).

.DESCRIPTION
    Invoke-Command -HostName web1, web2 { Get-ThreadCpu } needs Diag on every host. This copies the Diag
    of this session (the one imported, else the newest in $env:PSModulePath, or the folder given to
    -Path) over each session into the first folder of that host's own $env:PSModulePath (the user's
    module folder, ~/.local/share/powershell/Modules) as Diag/<version>, the layout Install-PSResource
    uses: versions sit side by side, Import-Module takes the newest, nothing needs root on the host.
    Only the SSH connection is used (no scp, no shared disk). Writes one line per host: where it went.
    tools/Test-DiagModule.ps1 then says whether every host has this version.

.EXAMPLE
    $sessions = New-PSSession -HostName web1, web2, web3
    ./tools/Copy-DiagModule.ps1 -Session $sessions
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # Sessions to the hosts (New-PSSession -HostName ...).
    [Parameter(Mandatory, ValueFromPipeline)]
    [System.Management.Automation.Runspaces.PSSession[]] $Session,

    # A Diag module folder (holding Diag.psd1) to copy instead of this session's Diag.
    [string] $Path
)

begin {
    $ErrorActionPreference = 'Stop'
    if (-not $Path) {
        $local = @(Get-Module Diag) + @(Get-Module Diag -ListAvailable | Sort-Object Version -Descending) | Select-Object -First 1
        if (-not $local) { throw 'Diag is neither imported nor in $env:PSModulePath here: import it, or give its folder to -Path.' }
        $Path = $local.ModuleBase
    }
    $manifest = Join-Path $Path 'Diag.psd1'
    if (-not (Test-Path $manifest)) { throw "$Path holds no Diag.psd1: give -Path the module folder." }
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
}

process {
    foreach ($s in $Session) {
        # The host's own module folder, as its PowerShell sees it.
        $destination = Invoke-Command -Session $s {
            $folder = ($env:PSModulePath -split [IO.Path]::PathSeparator)[0]
            Join-Path $folder "Diag/$using:version"
        }
        # A host that shares this machine's disk (an NFS home) may name the very folder copied from.
        $source = (Resolve-Path $Path).Path.TrimEnd('/')
        if ($destination.TrimEnd('/') -eq $source -or $destination.StartsWith("$source/")) {
            Write-Warning "$($s.ComputerName): $destination is the folder copied from (a shared disk?): nothing to copy."
            continue
        }
        if (-not $PSCmdlet.ShouldProcess("$($s.ComputerName):$destination", "Copy Diag $version")) { continue }
        Invoke-Command -Session $s { $null = New-Item -ItemType Directory -Force -Path $using:destination }
        Copy-Item -ToSession $s -Path (Join-Path $Path '*') -Destination $destination -Recurse -Force
        [pscustomobject]@{ ComputerName = $s.ComputerName; Version = [version]$version; Path = $destination }
    }
}
