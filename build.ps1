#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and packages the Diag module.

.DESCRIPTION
    Build    dotnet build of src/Diag, which lays out the importable module in out/Diag.
    Test     the xunit suites (dotnet test Diag.slnx, the same command CI runs), then the Pester
             tests in tests/*.Tests.ps1 against out/Diag in a child pwsh (so this session never
             loads the module's assemblies). Uses the Pester 5 already installed; never downloads.
    Package  a zip of out/Diag named after the module version, in out/.

.EXAMPLE
    ./build.ps1

.EXAMPLE
    ./build.ps1 -Task Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/Diag'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/Diag/Diag.csproj'), '-c', $Configuration, '--nologo')
    Write-Host "Module ready: Import-Module $moduleDir"
}

function Invoke-Test {
    Invoke-Native dotnet @('test', (Join-Path $root 'Diag.slnx'), '-c', $Configuration, '--nologo')

    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object Version -Descending |
        Select-Object -First 1
    if (-not $pester) {
        throw ('Pester 5 is not installed, so the PowerShell-side tests cannot run. Install it once with ' +
            "'Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser' (or Install-PSResource Pester), then run ./build.ps1 -Task Test again.")
    }

    # A child pwsh keeps Diag.dll out of this session, so the next build can replace it.
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name '$($pester.Path)'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $root 'tests')'
`$config.Run.Exit = `$true
`$config.Output.Verbosity = 'Detailed'
Invoke-Pester -Configuration `$config
"@
    $pwsh = (Get-Process -Id $PID).Path
    Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-Command', $script)
}

function Invoke-Package {
    if (-not (Test-Path (Join-Path $moduleDir 'Diag.psd1'))) { Invoke-Build }
    $version = (Import-PowerShellDataFile (Join-Path $root 'Diag.psd1')).ModuleVersion
    $zip = Join-Path $root "out/Diag-$version.zip"
    Compress-Archive -Path $moduleDir -DestinationPath $zip -Force
    Write-Host "Package: $zip"
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Build; Invoke-Test }
        'Package' { Invoke-Package }
    }
}
