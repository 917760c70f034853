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

    It 'answers for an address behind a router with the router''s entry, whole at 80 columns' {
        Invoke-DiagIp -n $network.Client route add 10.99.0.0/16 via 10.231.0.2
        $entry = Get-NetNeighbor -NetworkNamespace $network.Client -IPAddress 10.99.1.1
        $entry.IPAddress -eq '10.231.0.2' | Should -BeTrue
        $entry.Destination -eq '10.99.1.1' | Should -BeTrue
        ($entry | Out-String -Width 80) | Should -Match '(?m)^10\.231\.0\.2 for 10\.99\.1\.1\s+veth-client\s'
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
        $fleet = $entry | Format-Table -View Fleet | Out-String -Width 80
        $fleet | Should -Match 'localhost\s+10\.231\.0\.2\s+veth-client\s+Reachable\s+Ok'
        # At 80 columns the columns that do not fit are left out, not squeezed into a header that wraps letter by letter.
        $fleet | Should -Match '(?m)^HOST\s+IPAddress\s+Interface\s+State\s+Diagnosis *$'
        ($table | Format-Table -View Fleet | Out-String -Width 80) | Should -Match '(?m)^HOST\s+Family\s+Entries\s+ResFailed\s+UnresDiscards\s+TableFulls\s+Diagnosis *$'
        $table.Interfaces.InterfaceAlias | Should -Contain 'veth-client'
        # Each interface has settings for IPv4 and IPv6: the table says which.
        ($table.Interfaces | Where-Object InterfaceAlias -eq 'veth-client').AddressFamily | Should -Be 'IPv4'
        ($table.Interfaces | Out-String -Width 80) | Should -Match '(?m)^veth-client\s+IPv4\s+3\s+1000 ms\s'
        ($table.Interfaces | Where-Object InterfaceAlias -eq 'veth-client').RetransmitTime | Should -Be ([timespan]::FromSeconds(1))
    }
}
