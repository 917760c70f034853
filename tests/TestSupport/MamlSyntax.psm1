# Keeps the machine-readable half of en-US/Diag.dll-Help.xml true to the cmdlets: the <command:syntax>
# blocks (one per parameter set) and each <command:parameter>'s attributes (required, position, pipeline
# input, wildcards, aliases, type) are generated from PowerShell's own metadata of the imported module.
# The words (synopsis, descriptions, examples, notes) stay hand-written.
#   ./build.ps1 -Task Help                       rewrites the file
#   tests/Diag.Module.Tests.ps1                  fails when the file differs from what would be generated

$script:ns = @{
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Get-CommonParameterName {
    [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

function Get-PipelineInputText {
    param([bool] $ByValue, [bool] $ByPropertyName)
    if ($ByValue -and $ByPropertyName) { 'True (ByValue, ByPropertyName)' }
    elseif ($ByValue) { 'True (ByValue)' }
    elseif ($ByPropertyName) { 'True (ByPropertyName)' }
    else { 'False' }
}

function Get-TypeText {
    param([type] $Type)
    $t = [Nullable]::GetUnderlyingType($Type) ?? $Type
    if ($t -eq [switch]) { return 'SwitchParameter' }
    $t.Name
}

function New-MamlElement {
    param([xml] $Document, [string] $Prefix, [string] $Name, [string] $Text)
    $element = $Document.CreateElement($Prefix, $Name, $script:ns[$Prefix])
    if ($PSBoundParameters.ContainsKey('Text')) { $element.InnerText = $Text }
    $element
}

# One <command:parameter> for a parameter, as it is in one parameter set (or across all of them).
function New-ParameterElement {
    param([xml] $Document, $Parameter, $SetMetadata, [System.Xml.XmlElement] $Description, [string] $DefaultValue)
    $p = New-MamlElement $Document command parameter
    $p.SetAttribute('required', $SetMetadata.IsMandatory.ToString().ToLowerInvariant())
    $p.SetAttribute('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
    $wildcards = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $p.SetAttribute('globbing', $wildcards.ToString().ToLowerInvariant())
    $p.SetAttribute('pipelineInput', (Get-PipelineInputText $SetMetadata.ValueFromPipeline $SetMetadata.ValueFromPipelineByPropertyName))
    $p.SetAttribute('position', $(if ($SetMetadata.Position -ge 0) { [string]$SetMetadata.Position } else { 'named' }))
    $p.SetAttribute('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $null = $p.AppendChild((New-MamlElement $Document maml name $Parameter.Name))
    if ($Description) { $null = $p.AppendChild($Document.ImportNode($Description, $true)) }
    $typeText = Get-TypeText $Parameter.ParameterType
    if ($typeText -ne 'SwitchParameter') {
        $value = New-MamlElement $Document command parameterValue $typeText
        $value.SetAttribute('required', 'true')
        $value.SetAttribute('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        $null = $p.AppendChild($value)
    }
    $type = New-MamlElement $Document dev type
    $null = $type.AppendChild((New-MamlElement $Document maml name $typeText))
    $null = $type.AppendChild((New-MamlElement $Document maml uri))
    $null = $p.AppendChild($type)
    $null = $p.AppendChild((New-MamlElement $Document dev defaultValue $(if ($DefaultValue) { $DefaultValue } else { 'None' })))
    $p
}

<#
.SYNOPSIS
    Returns the help XML with its syntax and parameter attributes generated from the loaded commands.
    Every parameter of a command must have a hand-written description in the file (an error says which).
#>
function Update-MamlSyntax {
    param([Parameter(Mandatory)] [string] $Path)
    $document = [xml](Get-Content -Raw $Path)
    $manager = [System.Xml.XmlNamespaceManager]::new($document.NameTable)
    foreach ($key in $script:ns.Keys) { $manager.AddNamespace($key, $script:ns[$key]) }
    $common = Get-CommonParameterName
    foreach ($commandNode in $document.SelectNodes('//command:command', $manager)) {
        $name = $commandNode.SelectSingleNode('command:details/command:name', $manager).InnerText.Trim()
        $command = Get-Command $name -ErrorAction Stop
        $parametersNode = $commandNode.SelectSingleNode('command:parameters', $manager)
        $written = @{}
        foreach ($p in $parametersNode.SelectNodes('command:parameter', $manager)) {
            $written[$p.SelectSingleNode('maml:name', $manager).InnerText.Trim()] = @{
                Description = $p.SelectSingleNode('maml:description', $manager)
                Default     = $p.SelectSingleNode('dev:defaultValue', $manager)?.InnerText
            }
        }
        $parameters = $command.Parameters.Values | Where-Object { $_.Name -notin $common }
        foreach ($parameter in $parameters) {
            if (-not $written.ContainsKey($parameter.Name) -or -not $written[$parameter.Name].Description) {
                throw "$name -$($parameter.Name) has no description in $Path; write one in <command:parameters>."
            }
        }

        # <command:parameters>: each parameter once, described as in its first parameter set.
        $parametersNode.RemoveAll()
        foreach ($parameter in $parameters) {
            $set = $parameter.ParameterSets.Values | Select-Object -First 1
            $entry = $written[$parameter.Name]
            $null = $parametersNode.AppendChild((New-ParameterElement $document $parameter $set $entry.Description $entry.Default))
        }

        # <command:syntax>: one item per parameter set, mandatory and positional parameters first.
        $syntaxNode = $commandNode.SelectSingleNode('command:syntax', $manager)
        $syntaxNode.RemoveAll()
        foreach ($set in $command.ParameterSets) {
            $item = New-MamlElement $document command syntaxItem
            $null = $item.AppendChild((New-MamlElement $document maml name $name))
            $inSet = $set.Parameters | Where-Object { $_.Name -notin $common } |
                Sort-Object { -not $_.IsMandatory }, { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }
            foreach ($member in $inSet) {
                $parameter = $command.Parameters[$member.Name]
                $setMetadata = $parameter.ParameterSets[$set.Name] ?? $parameter.ParameterSets['__AllParameterSets']
                $null = $item.AppendChild((New-ParameterElement $document $parameter $setMetadata $null $written[$member.Name].Default))
            }
            $null = $syntaxNode.AppendChild($item)
        }
    }
    $document
}

function ConvertTo-MamlText {
    param([xml] $Document)
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; IndentChars = '  '; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $stream = [System.IO.MemoryStream]::new()
    $writer = [System.Xml.XmlWriter]::Create($stream, $settings)
    $Document.Save($writer)
    $writer.Dispose()
    [System.Text.Encoding]::UTF8.GetString($stream.ToArray()) + "`n"
}

Export-ModuleMember -Function Update-MamlSyntax, ConvertTo-MamlText
