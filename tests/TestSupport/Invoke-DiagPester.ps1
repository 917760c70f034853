#!/usr/bin/env pwsh
# Runs Pester files in this (child) pwsh for build.ps1 -Task Test, and writes the JUnit result file
# that build.ps1 counts. Paths are separated by the OS path separator.
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterManifest
$config = New-PesterConfiguration
$config.Run.Path = $Path.Split([IO.Path]::PathSeparator)
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = $ResultPath
Invoke-Pester -Configuration $config
