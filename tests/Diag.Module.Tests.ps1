#Requires -Version 7.4
# The module as a user meets it: import, exports, help, formats. Run by ./build.ps1 -Task Test
# after the build has laid out out/Diag.

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    $script:modulePath = Get-DiagModulePath
    Import-Module $script:modulePath -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module Diag -ErrorAction SilentlyContinue
}

Describe 'Import-Module Diag' {
    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest -Path $script:modulePath -ErrorAction Stop
        $manifest.Name | Should -Be 'Diag'
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Contain 'Core'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the Diag cmdlets' {
        $commands = Get-Command -Module Diag | Sort-Object Name
        $exported = (Import-PowerShellDataFile $script:modulePath).CmdletsToExport | Sort-Object
        ($commands.Name -join ',') | Should -Be ($exported -join ',')
        $commands.Count | Should -BeGreaterOrEqual 2
        $commands | ForEach-Object { $_.CommandType | Should -Be 'Cmdlet' }
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        Get-Command -Module Diag | ForEach-Object { $approved | Should -Contain $_.Verb }
    }

    It 'registers a table view for each output type' {
        # Every [OutputType] of every exported cmdlet, read from PowerShell's own command metadata.
        $types = Get-Command -Module Diag | ForEach-Object { $_.OutputType.Type } | Where-Object Namespace -like 'Diag*' | Sort-Object FullName -Unique
        $types.Count | Should -BeGreaterOrEqual 3
        foreach ($typeName in $types.FullName) {
            $format = Get-FormatData -TypeName $typeName
            $format | Should -Not -BeNullOrEmpty -Because "$typeName needs a default view"
            $controls = $format.FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name }
            $controls | Should -Contain 'TableControl'
        }
    }

    It 'does not load System.Management.Automation from the module folder' {
        $sma = [System.Management.Automation.PSObject].Assembly.Location
        $sma | Should -Not -BeLike "*out/Diag*"
    }
}

Describe 'Help' {
    It 'gives <_> a synopsis, every parameter and at least two examples' -ForEach (Import-PowerShellDataFile "$PSScriptRoot/../Diag.psd1").CmdletsToExport {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help falls back to a synopsis made of the syntax and no description.
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $documented = @($help.Parameters.Parameter | ForEach-Object { $_.Name })
        (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common } | ForEach-Object {
            $documented | Should -Contain $_
        }
    }

    It 'has syntax blocks and parameter attributes that match the cmdlets (./build.ps1 -Task Help regenerates them)' {
        Import-Module "$PSScriptRoot/TestSupport/MamlSyntax.psm1" -Force
        $path = "$PSScriptRoot/../en-US/Diag.dll-Help.xml"
        $expected = ConvertTo-MamlText (Update-MamlSyntax -Path $path)
        (Get-Content -Raw $path) | Should -BeExactly $expected
    }

    It 'names incidents in words, never internal documents' -ForEach (Import-PowerShellDataFile "$PSScriptRoot/../Diag.psd1").CmdletsToExport {
        $text = Get-Help $_ -Full | Out-String
        $text | Should -Not -Match '\bseed\s*\d'
    }

    It 'has the about_Diag topic' {
        $about = Get-Help about_Diag
        ($about | Out-String) | Should -Match 'Get-ThreadCpu'
    }

    It 'names every cmdlet in about_Diag''s short description and SEE ALSO, once, in 80 columns' {
        $text = Get-Content -Raw "$PSScriptRoot/../en-US/about_Diag.help.txt"
        $short = [regex]::Match($text, '(?s)SHORT DESCRIPTION(.*?)LONG DESCRIPTION').Groups[1].Value
        $seeAlso = [regex]::Match($text, '(?s)SEE ALSO(.*)$').Groups[1].Value
        foreach ($cmdlet in (Import-PowerShellDataFile "$PSScriptRoot/../Diag.psd1").CmdletsToExport) {
            $short | Should -Match ([regex]::Escape($cmdlet)) -Because "the short description names $cmdlet"
            $seeAlso | Should -Match ([regex]::Escape("Get-Help $cmdlet -Full")) -Because "SEE ALSO names $cmdlet"
        }
        $seeLines = $seeAlso -split "`n" | ForEach-Object Trim | Where-Object { $_ }
        ($seeLines | Group-Object | Where-Object Count -gt 1).Name | Should -BeNullOrEmpty
        $headings = $text -split "`n" | Where-Object { $_ -cmatch '^  [A-Z][A-Z ,()-]+$' }
        ($headings | Group-Object | Where-Object Count -gt 1).Name | Should -BeNullOrEmpty
        $text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
    }
}
