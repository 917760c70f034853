#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and packages the Diag module.

.DESCRIPTION
    Build    dotnet build of the solution: lays out the importable module in out/Diag, compiles the C
             test target (out/test-target) and downloads the pinned Pester from NuGet.
    Test     Build, then every suite: the xunit projects (engine tests on real processes, and the
             cmdlets run by PowerShell hosted in-process) through dotnet test, then the Pester files
             tests/*.Tests.ps1 in a child pwsh. Counts come from the runners' own result files
             (out/TestResults: *.trx and pester.xml), and the last line sums them:
             "N passed, N failed". Exits non-zero when anything failed or a runner did not report.
    Package  Build, then the installable package: out/repository/Diag.<version>.nupkg, published by
             Publish-PSResource (bundled with pwsh 7.4+) into out/repository, a folder repository any
             PowerShell can register (Register-PSResourceRepository -Uri) and Install-PSResource from,
             or that a NuGet feed takes as it is; and out/Diag-<version>.zip, the module folder for a
             plain copy into a folder of $env:PSModulePath. The packaged manifest gets the
             ReleaseNotes of its version's CHANGELOG.md section, and ProjectUri/LicenseUri when given.
    Help     Build, then regenerate the syntax blocks and parameter attributes of en-US/Diag.dll-Help.xml
             from the cmdlets' metadata (the hand-written words are kept). The Pester suite fails when
             the file and the cmdlets disagree.

    On a fresh clone with only the .NET SDK:  dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    ./build.ps1

.EXAMPLE
    ./build.ps1 -Task Test

.EXAMPLE
    ./build.ps1 -Task Test -PesterPath tests/Trace-Syscall.Tests.ps1
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Help')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester files or folders to run (default: tests/); xunit always runs whole.
    [string[]] $PesterPath = @(),

    # Run only the Pester tests (after a build), e.g. while writing one.
    [switch] $SkipXunit,

    # Package: package out/Diag as it is, without building first (the tests package what they just built).
    [switch] $NoBuild,

    # Package: where the repository folder and the zip go (default: out/).
    [string] $OutputPath,

    # Package: the project's home page and its licence, written into the packaged manifest (PSData
    # ProjectUri, LicenseUri) for the feed to show. The package carries the LICENSE file either way.
    [uri] $ProjectUri,
    [uri] $LicenseUri
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/Diag'
$resultsDir = Join-Path $root 'out/TestResults'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList, [switch] $AllowFailure)
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) {
        throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE"
    }
    $LASTEXITCODE
}

# The versions pinned in Directory.Build.props.
function Get-BuildProperty {
    param([string] $Name)
    $xml = [xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))
    $value = $xml.Project.PropertyGroup | ForEach-Object { $_.$Name } | Where-Object { $_ } | Select-Object -First 1
    if (-not $value) { throw "Directory.Build.props has no $Name" }
    $value
}

function Get-PesterManifest {
    $version = Get-BuildProperty 'PesterVersion'
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        throw ("Pester $version is not in $packages. It comes from NuGet with the solution's restore: " +
            "run 'dotnet restore Diag.slnx' (or ./build.ps1 -Task Build) and try again.")
    }
    $found = (Import-PowerShellDataFile $manifest).ModuleVersion
    if ($found -ne $version) { throw "$manifest is Pester $found, not the pinned ${version}: delete $(Split-Path $manifest) and restore again." }
    $manifest
}

function Invoke-Build {
    $null = Invoke-Native dotnet @('build', (Join-Path $root 'Diag.slnx'), '-c', $Configuration, '--nologo', '-v', 'q')
    Write-Host "Module ready: Import-Module $moduleDir"
}

function Invoke-Xunit {
    # Exit code ignored here: the counts come from the result files, and a run that wrote none fails below.
    $null = Invoke-Native dotnet @('test', (Join-Path $root 'Diag.slnx'), '-c', $Configuration, '--no-build', '--nologo',
        '--logger', 'trx', '--logger', 'console;verbosity=minimal', '--results-directory', $resultsDir) -AllowFailure
    $expected = @(Get-ChildItem (Join-Path $root 'tests') -Filter '*.Tests.csproj' -Recurse).Count
    $files = @(Get-ChildItem $resultsDir -Filter '*.trx')
    $counts = foreach ($file in $files) {
        # Literal reads: two projects ending in the same second get 'NAME[1].trx', a wildcard to -Path.
        $trx = [xml][IO.File]::ReadAllText($file.FullName)
        $c = $trx.TestRun.ResultSummary.Counters
        [pscustomobject]@{
            Runner  = 'xunit ' + ($trx.TestRun.TestDefinitions.UnitTest | Select-Object -First 1).TestMethod.codeBase.Split('/')[-1]
            Passed  = [int]$c.passed
            Failed  = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
            Skipped = [int]$c.notExecuted
            FailedTests = @($trx.TestRun.Results.UnitTestResult | Where-Object outcome -notin 'Passed', 'NotExecuted' |
                ForEach-Object {
                    $why = $_.SelectSingleNode("*[local-name()='Output']/*[local-name()='ErrorInfo']/*[local-name()='Message']")
                    Format-FailedTest $_.testName $(if ($why) { $why.InnerText } else { $_.outcome }) })
        }
    }
    if ($files.Count -lt $expected) {
        $counts = @($counts) + [pscustomobject]@{ Runner = "xunit: $($expected - $files.Count) test project(s) wrote no results"; Passed = 0; Failed = $expected - $files.Count; Skipped = 0; FailedTests = @() }
    }
    $counts
}

function Invoke-PesterSuite {
    $pester = Get-PesterManifest
    # pwsh -File passes 'a,b' as one string: split it as PowerShell would have.
    $paths = if ($PesterPath) { $PesterPath -split ',' | ForEach-Object { (Resolve-Path $_.Trim()).Path } } else { @(Join-Path $root 'tests') }
    $xmlPath = Join-Path $resultsDir 'pester.xml'
    # A child pwsh (this one's own executable, also under 'dotnet pwsh') keeps Diag.dll out of this
    # session, so that the next build can replace it.
    $pwsh = Join-Path $PSHOME 'pwsh'
    $runner = Join-Path $root 'tests/TestSupport/Invoke-DiagPester.ps1'
    $null = Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-File', $runner, '-PesterManifest', $pester,
        '-Path', ($paths -join [IO.Path]::PathSeparator), '-ResultPath', $xmlPath) -AllowFailure
    if (-not (Test-Path -LiteralPath $xmlPath)) {
        return [pscustomobject]@{ Runner = 'Pester: wrote no results (see the output above)'; Passed = 0; Failed = 1; Skipped = 0; FailedTests = @() }
    }
    $suites = ([xml][IO.File]::ReadAllText($xmlPath)).testsuites
    $failed = [int]$suites.failures + [int]$suites.errors
    $skipped = [int]$suites.disabled   # Pester counts skipped tests here
    [pscustomobject]@{
        Runner = 'Pester'; Passed = [int]$suites.tests - $failed - $skipped; Failed = $failed; Skipped = $skipped
        FailedTests = @($suites.SelectNodes('//testcase[failure or error]') | ForEach-Object {
            $why = $_.SelectSingleNode('failure|error')
            Format-FailedTest $_.name $why.GetAttribute('message') })
    }
}

# One line per failed test, next to the counts: CI logs keep only the tail, and a count alone says nothing.
function Format-FailedTest([string] $Name, [string] $Message) {
    $first = "$($Message -split "`n" | Where-Object { $_.Trim() } | Select-Object -First 1)"
    if ($first.Length -gt 300) { $first = $first.Substring(0, 300) + '...' }
    "FAILED $Name`n       $($first.Trim())"
}

function Invoke-Test {
    Invoke-Build
    if (Test-Path -LiteralPath $resultsDir) { Remove-Item -LiteralPath $resultsDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Force $resultsDir
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $counts = @()
    if (-not $SkipXunit) { $counts += Invoke-Xunit }
    $counts += Invoke-PesterSuite
    Write-Host ''
    # Per runner: under strict mode, member enumeration over empty lists is an error.
    foreach ($c in $counts) { foreach ($line in $c.FailedTests) { Write-Host $line } }
    foreach ($c in $counts) { Write-Host ('{0,-40} {1,5} passed, {2,3} failed, {3,3} skipped' -f $c.Runner, $c.Passed, $c.Failed, $c.Skipped) }
    $passed = ($counts | Measure-Object Passed -Sum).Sum
    $failed = ($counts | Measure-Object Failed -Sum).Sum
    $skipped = ($counts | Measure-Object Skipped -Sum).Sum
    Write-Host ('Test time: {0:0} s' -f $watch.Elapsed.TotalSeconds)
    # The closing line CI reads: every runner counted.
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Help {
    Invoke-Build
    $help = Join-Path $root 'en-US/Diag.dll-Help.xml'
    $generator = Join-Path $root 'tests/TestSupport/MamlSyntax.psm1'
    # In a child pwsh, as for the tests: this session never loads Diag.dll.
    $script = "Import-Module '$moduleDir/Diag.psd1'; Import-Module '$generator'; " +
        "[IO.File]::WriteAllText('$help', (ConvertTo-MamlText (Update-MamlSyntax -Path '$help')))"
    $null = Invoke-Native (Join-Path $PSHOME 'pwsh') @('-NoProfile', '-NonInteractive', '-Command', $script)
    Write-Host "Help syntax regenerated: $help"
    Invoke-Build # lays the new help out in out/Diag
}

# The CHANGELOG.md section of a version (its lines under "## [version]"), as the manifest's ReleaseNotes.
function Get-ReleaseNote {
    param([string] $Version)
    $lines = Get-Content -LiteralPath (Join-Path $root 'CHANGELOG.md')
    $start = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match "^## \[$([regex]::Escape($Version))\]" })
    if ($start -lt 0) { throw "CHANGELOG.md has no section '## [$Version]': add the release's notes before packaging it." }
    $section = $lines[($start + 1)..($lines.Count - 1)]
    $end = [array]::FindIndex($section, [Predicate[string]] { param($l) $l -match '^## ' })
    if ($end -ge 0) { $section = $section[0..($end - 1)] }
    $notes = ($section -join "`n").Trim()
    if (-not $notes) { throw "CHANGELOG.md's section '## [$Version]' is empty." }
    $notes
}

# The manifest as packaged: ReleaseNotes from the CHANGELOG, and the project's addresses when given.
function Set-PackagedManifest {
    param([string] $Path, [string] $ReleaseNotes)
    $text = [IO.File]::ReadAllText($Path)
    # A here-string ends at a line starting with '@: notes holding one would end it early.
    if ($ReleaseNotes -match "(?m)^'@") { throw "The release notes hold a line starting with '@, which would end the manifest's here-string." }
    $pattern = [regex] "(?s)(ReleaseNotes\s*=\s*@'\r?\n).*?(\r?\n'@)"
    if (-not $pattern.IsMatch($text)) { throw "$Path has no ReleaseNotes = @'...'@ in PSData." }
    $text = $pattern.Replace($text, { param($m) $m.Groups[1].Value + $ReleaseNotes + $m.Groups[2].Value }, 1)
    $addresses = foreach ($pair in @(@('ProjectUri', $ProjectUri), @('LicenseUri', $LicenseUri))) {
        if ($pair[1]) {
            if (-not $pair[1].IsAbsoluteUri) { throw "-$($pair[0]) must be an absolute address (https://...), not '$($pair[1])'." }
            "            $($pair[0]) = '$($pair[1].AbsoluteUri -replace "'", "''")'"
        }
    }
    if ($addresses) { $text = ([regex] '(?m)^(\s*)ReleaseNotes\s*=').Replace($text, { param($m) ($addresses -join "`n") + "`n" + $m.Value }, 1) }
    [IO.File]::WriteAllText($Path, $text)
}

function Invoke-Package {
    if (-not $NoBuild) { Invoke-Build }
    elseif (-not (Test-Path (Join-Path $moduleDir 'Diag.psd1'))) { throw "-NoBuild: $moduleDir holds no module; build first." }
    $version = (Import-PowerShellDataFile (Join-Path $moduleDir 'Diag.psd1')).ModuleVersion
    $out = if ($OutputPath) { [IO.Path]::GetFullPath($OutputPath, (Get-Location).Path) } else { Join-Path $root 'out' }
    $staging = Join-Path $out 'package/Diag'
    $repository = Join-Path $out 'repository'
    if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force }
    $null = New-Item -ItemType Directory -Force -Path $staging, $repository
    Copy-Item -Path (Join-Path $moduleDir '*') -Destination $staging -Recurse
    Set-PackagedManifest -Path (Join-Path $staging 'Diag.psd1') -ReleaseNotes (Get-ReleaseNote $version)
    if (-not $ProjectUri -or -not $LicenseUri) {
        Write-Warning 'The packaged manifest has no ProjectUri or LicenseUri: give -ProjectUri and -LicenseUri (the addresses a public feed shows); the package carries LICENSE either way.'
    }
    $nupkg = Join-Path $repository "Diag.$version.nupkg"
    if (Test-Path -LiteralPath $nupkg) { Remove-Item -LiteralPath $nupkg -Force }

    # Publish-PSResource publishes to a registered repository. It is registered in a child pwsh whose
    # PSResourceGet settings live in a throw-away folder, so the user's own repository list is never touched.
    # The folders must exist: .NET reports a missing one as no folder at all, and PSResourceGet then writes
    # its settings into the current directory.
    $settings = Join-Path $out "package/settings-$PID"
    $null = New-Item -ItemType Directory -Force -Path "$settings/data", "$settings/config", "$settings/cache"
    $script = '$ErrorActionPreference = ''Stop''; ' +
        "Register-PSResourceRepository -Name DiagBuild -Uri '$($repository -replace "'", "''")' -Trusted; " +
        "Publish-PSResource -Path '$($staging -replace "'", "''")' -Repository DiagBuild"
    try {
        $null = Invoke-Native env @("XDG_DATA_HOME=$settings/data", "XDG_CONFIG_HOME=$settings/config", "XDG_CACHE_HOME=$settings/cache",
            (Join-Path $PSHOME 'pwsh'), '-NoProfile', '-NonInteractive', '-Command', $script)
    }
    finally { Remove-Item -LiteralPath $settings -Recurse -Force -ErrorAction SilentlyContinue }
    if (-not (Test-Path -LiteralPath $nupkg)) { throw "Publish-PSResource wrote no $nupkg." }

    $zip = Join-Path $out "Diag-$version.zip"
    Compress-Archive -Path $staging -DestinationPath $zip -Force
    Write-Host "Package: $nupkg (repository folder $repository)"
    Write-Host "Module folder: $zip"
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Help' { Invoke-Help }
    }
}
