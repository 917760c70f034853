#Requires -Version 7.4
# The package as a team installs it: ./build.ps1 -Task Package publishes out/Diag into a folder
# repository; a clean pwsh (its own HOME, module folders and PSResourceGet settings, nothing inherited)
# registers that folder, runs Install-PSResource Diag, imports Diag by name and runs cmdlets. The zip
# is checked the same way, copied into a folder of PSModulePath. Run by ./build.ps1 -Task Test after
# the build has laid out out/Diag.

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    $script:root = (Resolve-Path "$PSScriptRoot/..").Path
    $script:version = (Import-PowerShellDataFile (Get-DiagModulePath)).ModuleVersion
    $script:pwsh = Join-Path $PSHOME 'pwsh'
    $script:out = Join-Path $TestDrive 'out'
    # The build's own packaging, of the module just built, into the test drive (never into out/).
    $log = & $script:pwsh -NoProfile -NonInteractive -File (Join-Path $script:root 'build.ps1') -Task Package -NoBuild -OutputPath $script:out `
        -ProjectUri 'https://example.invalid/diag' -LicenseUri 'https://example.invalid/diag/LICENSE' 2>&1
    $script:packageExit = $LASTEXITCODE
    $script:packageLog = $log -join "`n"
    $script:nupkg = Join-Path $script:out "repository/Diag.$script:version.nupkg"
    $script:zip = Join-Path $script:out "Diag-$script:version.zip"

    # A pwsh that knows nothing of this session: its own HOME (under which pwsh keeps the user's module folder
    # and PSResourceGet its repository list and installs), the XDG variables unset (PSResourceGet 1.2 installs
    # under HOME even where XDG_DATA_HOME moves pwsh's user module folder), and its own PSModulePath.
    # Writes what $Script returns as JSON.
    function Invoke-CleanPwsh {
        param([string] $Name, [string] $Script, [string] $ModulePath)
        $home_ = Join-Path $TestDrive $Name
        # Existing folders: .NET reports a missing one as none, and PSResourceGet would then write its
        # repository list into the current directory.
        $null = New-Item -ItemType Directory -Force -Path "$home_/.local/share", "$home_/.config", "$home_/.cache"
        $environment = @("HOME=$home_", "DOTNET_CLI_HOME=$home_")
        $unset = @('-u', 'XDG_DATA_HOME', '-u', 'XDG_CONFIG_HOME', '-u', 'XDG_CACHE_HOME', '-u', 'PSModulePath')
        if ($ModulePath) { $environment += "PSModulePath=$ModulePath" }
        $wrapped = "`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; & { $Script } | ConvertTo-Json -Depth 4 -Compress"
        $output = & env -C $home_ @unset @environment $script:pwsh -NoProfile -NonInteractive -Command $wrapped 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        # The JSON is the last line; anything before it (a warning) is for the failure message only.
        ($output | Select-Object -Last 1) | ConvertFrom-Json
    }

    # What an installed Diag must do in the clean pwsh, by name only.
    $script:useDiag = @'
        Import-Module Diag
        $module = Get-Module Diag
        $limits = @(Get-ProcessLimit -Id $PID)
        [pscustomobject]@{
            ModuleBase = $module.ModuleBase
            Version = "$($module.Version)"
            Commands = @((Get-Command -Module Diag).Name | Sort-Object)
            OpenFiles = ($limits | Where-Object Resource -eq OpenFiles).SoftLimit
            Table = ($limits | Out-String -Width 120)
            HistogramHelp = "$((Get-Help Trace-Syscall -Parameter Histogram).Description.Text)"
        }
'@
}

Describe 'build.ps1 -Task Package' {
    It 'publishes a nupkg into a folder repository and writes the module folder as a zip' {
        $script:packageExit | Should -Be 0 -Because $script:packageLog
        $script:nupkg | Should -Exist
        $script:zip | Should -Exist
    }

    It 'packs the whole module: assemblies, manifest, every type and format file, help and LICENSE' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [IO.Compression.ZipFile]::OpenRead($script:nupkg)
        try { $entries = @($archive.Entries.FullName) } finally { $archive.Dispose() }
        $manifest = Import-PowerShellDataFile (Get-DiagModulePath)
        $expected = @('Diag.psd1', 'Diag.dll', 'Diag.Linux.dll', 'LICENSE', 'en-US/Diag.dll-Help.xml', 'en-US/about_Diag.help.txt') +
            $manifest.TypesToProcess + $manifest.FormatsToProcess
        foreach ($file in $expected) { $entries | Should -Contain $file }
    }

    It 'describes the package as a feed shows it: id, version, licence, project, tags and the release notes of the CHANGELOG' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [IO.Compression.ZipFile]::OpenRead($script:nupkg)
        try {
            $reader = [IO.StreamReader]::new($archive.GetEntry('Diag.nuspec').Open())
            try { $nuspec = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $archive.Dispose() }
        $metadata = $nuspec.package.metadata
        $metadata.id | Should -Be 'Diag'
        $metadata.version | Should -Be $script:version
        $metadata.licenseUrl | Should -Be 'https://example.invalid/diag/LICENSE'
        $metadata.projectUrl | Should -Be 'https://example.invalid/diag'
        $metadata.copyright | Should -Match 'MIT'
        $tags = $metadata.tags -split ' '
        foreach ($tag in 'Linux', 'eBPF', 'strace', 'Diagnostics', 'PSEdition_Core') { $tags | Should -Contain $tag }
        # The release notes are the version's CHANGELOG section, first line to last.
        $changelog = Get-Content (Join-Path $script:root 'CHANGELOG.md')
        $start = [array]::IndexOf($changelog, ($changelog | Where-Object { $_ -like "## ``[$script:version``]*" } | Select-Object -First 1))
        $start | Should -BeGreaterOrEqual 0 -Because "CHANGELOG.md has a section for $script:version"
        $section = @($changelog[($start + 1)..($changelog.Count - 1)] | ForEach-Object -Begin { $done = $false } -Process {
                if ($_ -like '## *') { $done = $true }
                if (-not $done) { $_ } } | Where-Object { $_.Trim() })
        $notes = $metadata.releaseNotes -split "`n"
        $notes[0] | Should -Be $section[0]
        $notes[-1] | Should -Be $section[-1]
        $notes.Count | Should -Be $section.Count
    }

    It 'leaves nothing behind but the package' {
        # Publishing registers its folder only in a throw-away settings folder of the build's child pwsh.
        @(Get-ChildItem $script:out -Name | Sort-Object) | Should -Be @("Diag-$script:version.zip", 'package', 'repository')
        @(Get-ChildItem (Join-Path $script:out 'package') -Name) | Should -Be @('Diag')
        @(Get-ChildItem (Join-Path $script:out 'repository') -Name) | Should -Be @("Diag.$script:version.nupkg")
        Join-Path $script:root 'PSResourceGet' | Should -Not -Exist
    }
}

Describe 'Installing the package in a clean pwsh' {
    It 'Install-PSResource Diag from the folder repository, then Import-Module Diag by name' {
        $repository = Join-Path $script:out 'repository'
        $result = Invoke-CleanPwsh -Name 'psresource' -Script (@"
            Register-PSResourceRepository -Name DiagLocal -Uri '$repository' -Trusted
            Install-PSResource -Name Diag -Repository DiagLocal -Scope CurrentUser
"@ + "`n" + $script:useDiag)
        # Installed where Install-PSResource puts a user's modules, versioned, and found there by name.
        $result.ModuleBase | Should -Be (Join-Path $TestDrive "psresource/.local/share/powershell/Modules/Diag/$script:version")
        $result.Version | Should -Be $script:version
        $result.Commands | Should -Be @((Import-PowerShellDataFile (Get-DiagModulePath)).CmdletsToExport | Sort-Object)
        $result.OpenFiles | Should -BeGreaterThan 0
        # The format files came along: the limits print as their table, not as property lists.
        $result.Table | Should -Match '(?m)^\s*LIMIT\s+SOFT\s+HARD\s+USED'
        $result.HistogramHelp | Should -Match 'bpftrace'
        Join-Path $result.ModuleBase 'LICENSE' | Should -Exist
    }

    It 'a plain copy of the zip into a folder of PSModulePath imports by name' {
        $modules = Join-Path $TestDrive 'copy/Modules'
        $null = New-Item -ItemType Directory -Force -Path $modules
        Expand-Archive -Path $script:zip -DestinationPath $modules
        Join-Path $modules 'Diag/Diag.psd1' | Should -Exist
        $result = Invoke-CleanPwsh -Name 'copy' -ModulePath $modules -Script $script:useDiag
        $result.ModuleBase | Should -Be (Join-Path $modules 'Diag')
        $result.Version | Should -Be $script:version
        $result.OpenFiles | Should -BeGreaterThan 0
        $result.Table | Should -Match '(?m)^\s*LIMIT\s+SOFT\s+HARD\s+USED'
        $result.HistogramHelp | Should -Match 'bpftrace'
    }
}

Describe 'README "Install" runs as written' {
    BeforeAll {
        $script:install = @(Get-DiagReadmeStatement | Where-Object Section -eq 'Install')
        $script:feed = '/srv/packages'
    }

    It 'installs for the user from the feed, as the section says' {
        # The lines up to the fleet roll-out, with the test's folder repository as the share.
        $lines = @($script:install | Where-Object { $_.Code -notmatch '\$hosts' })
        $lines.Count | Should -BeGreaterOrEqual 3
        $code = ($lines.Code -join "`n")
        $code | Should -Match ([regex]::Escape($script:feed))
        $code = $code.Replace($script:feed, (Join-Path $script:out 'repository'))
        $result = Invoke-CleanPwsh -Name 'readme-user' -Script $code
        $result.Name | Should -Be 'Diag'
        # A [version] comes through JSON as its parts.
        '{0}.{1}.{2}' -f $result.Version.Major, $result.Version.Minor, $result.Version.Build | Should -Be $script:version
        $result.ModuleBase | Should -Be (Join-Path $TestDrive "readme-user/.local/share/powershell/Modules/Diag/$script:version")
    }

    It 'rolls out to a host: the block each host runs installs from the feed and answers with the version' {
        $rollout = @($script:install | Where-Object { $_.Code -match '\$hosts' })
        $rollout.Count | Should -Be 2
        $rollout[0].Code | Should -Match '^\$hosts = '
        # What each host runs is the script block given to Invoke-Command -HostName $hosts; here one clean pwsh is the host.
        $rollout[1].Code | Should -Match '^Invoke-Command -HostName \$hosts \{'
        $block = $rollout[1].Code -replace '^Invoke-Command -HostName \$hosts ', '& '
        $block = $block.Replace($script:feed, (Join-Path $script:out 'repository'))
        # Twice, as a second roll-out (a new version, or a host done already) runs it again.
        $first = Invoke-CleanPwsh -Name 'readme-host' -Script $block
        $again = Invoke-CleanPwsh -Name 'readme-host' -Script $block
        foreach ($answer in $first, $again) {
            $answer.Name | Should -Be 'Diag'
            '{0}.{1}.{2}' -f $answer.Version.Major, $answer.Version.Minor, $answer.Version.Build | Should -Be $script:version
        }
    }
}
