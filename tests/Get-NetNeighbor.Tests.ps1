# Pester 5 tests of Get-NetNeighbor in a real pwsh, in network namespaces the test makes: what a user types,
# Windows PowerShell's names, and entries brought back from a job. Needs root (namespaces). Build first.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module "$PSScriptRoot/TestSupport/DiagNetwork.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
    $script:network = New-DiagTestNetwork -Purpose nbpester
    Send-DiagDatagram $network -To $network.ServerAddress -Port 9
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ((Get-NetNeighbor -NetworkNamespace $network.Client $network.ServerAddress).State -ne 'Reachable' -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 20
    }
}

AfterAll {
    Remove-DiagTestNetwork $script:network
}

Describe 'Get-NetNeighbor' {
    It 'reads like Windows PowerShell''s Get-NetNeighbor' {
        $entry = Get-NetNeighbor -NetworkNamespace $network.Client -IPAddress 10.231.0.2
        $entry.State | Should -Be 'Reachable'
        $entry.InterfaceAlias | Should -Be 'veth-client'
        $entry.ifIndex | Should -Be $entry.InterfaceIndex
        $entry.AddressFamily | Should -Be 'IPv4'
        $entry.LinkLayerAddress | Should -Be ((ip -j -n $network.Server link show veth-server | ConvertFrom-Json).address)
        Get-NetNeighbor -NetworkNamespace $network.Client | Where-Object IPAddress -eq '10.231.0.2' | Should -Not -BeNullOrEmpty
        Get-NetNeighbor -NetworkNamespace $network.Client -State Incomplete, Failed | Should -BeNullOrEmpty
    }

    It 'brings entries and tables back from a job as objects' {
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $Namespace)
            Import-Module $ModulePath
            Get-NetNeighbor -NetworkNamespace $Namespace 10.231.0.2
            Get-NetNeighbor -NetworkNamespace $Namespace -Statistics -AddressFamily IPv4
        } -ArgumentList (Get-DiagModulePath), $network.Client
        $entry, $table = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job -Force
        $entry.PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Neighbors.NetNeighbor'
        $entry.IPAddress | Should -BeOfType ([Diag.Linux.Output.NetworkAddress])
        $entry.IPAddress -eq '10.231.0.2' | Should -BeTrue
        ($entry | Out-String -Width 80) | Should -Match '10\.231\.0\.2\s+veth-client\s+\S+\s+Reachable\s+Ok'
        ($entry | Format-Table -View Fleet | Out-String -Width 80) | Should -Match 'localhost\s+10\.231\.0\.2\s+veth-client\s+Reachable\s+Ok'
        $table.Interfaces.InterfaceAlias | Should -Contain 'veth-client'
        ($table.Interfaces | Where-Object InterfaceAlias -eq 'veth-client').RetransmitTime | Should -Be ([timespan]::FromSeconds(1))
    }
}
