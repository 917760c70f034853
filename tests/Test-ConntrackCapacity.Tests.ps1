# Pester 5 tests of Test-ConntrackCapacity in a real pwsh: a table the test fills in its own network namespace,
# checked in a job (Start-Job serializes as remoting does), composed with PowerShell's cmdlets. Needs root (namespaces,
# nf_conntrack_max). Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module "$PSScriptRoot/TestSupport/DiagNetwork.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
    $script:network = New-DiagTestNetwork -Purpose ctpester
    $null = & ip netns exec $network.Server nft 'table inet diag { chain pre { type filter hook prerouting priority 0; ct state new counter accept; }; }'
    # 24 datagrams into a table of 16 (16 entries, 8 drops), taken in a job while the table is full.
    $script:received = Use-DiagConntrackLimit -Max 16 {
        Send-DiagDatagram $network -To $network.ServerAddress -Port (6000..6023)
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $Namespace)
            Import-Module $ModulePath
            Test-ConntrackCapacity -NetworkNamespace $Namespace -SampleInterval 0.2
        } -ArgumentList (Get-DiagModulePath), $network.Server
        $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job -Force
    }
}

AfterAll {
    Remove-DiagTestNetwork $script:network
}

Describe 'Test-ConntrackCapacity' {
    It 'brings a full table back from a job with its checks, counters and consumers as objects' {
        $received.PSObject.TypeNames | Should -Contain 'Deserialized.Diag.Linux.Conntrack.ConntrackReport'
        $received.Verdict | Should -Be 'Dropping'   # full: the next new flow is dropped
        $received.Entries | Should -Be 16
        ($received.Checks | Where-Object Check -eq 'Capacity').Status | Should -Be 'Fail'
        ($received.Checks | Where-Object Check -eq 'Capacity').Remedy | Should -Be 'sysctl -w net.netfilter.nf_conntrack_max=65536'
        ($received.Counters | Where-Object Name -eq 'drop').Total | Should -Be 8
        $received.TopStates[0].Name | Should -Be 'udp UNREPLIED'
        # The address is an address again on this side: it compares with text and sorts as an address.
        $received.TopSources[0].IPAddress | Should -BeOfType ([Diag.Linux.Output.NetworkAddress])
        $received.TopSources[0].IPAddress -eq '10.231.0.1' | Should -BeTrue
        # Member enumeration over the list finds each address (a property named Address would find the array's method).
        @($received.TopSources.IPAddress) | Should -HaveCount 1
        @($received.TopSources.IPAddress)[0] | Should -BeOfType ([Diag.Linux.Output.NetworkAddress])
        "$($received.TopSources.IPAddress)" | Should -Be '10.231.0.1'
    }

    It 'shows the received report as the checklist, and the host first in the Fleet view' {
        $text = $received | Out-String -Width 80
        $text | Should -Match "Conntrack in net:\[\d+\] $([regex]::Escape($network.Server)): "
        $text | Should -Match '  FAIL  Capacity        16 of 16 entries \(100%\)'
        $text | Should -Match '(?m)^ +sysctl -w net\.netfilter\.nf_conntrack_max=65536$'
        $fleet = $received | Format-Table -View Fleet | Out-String -Width 80
        $fleet | Should -Match 'localhost\s+diag-test-ctpes\S*\s+16\s+16\s+100'
        $fleet | Should -Match '(?m)^HOST\s+NAMESPACE\s+ENTRIES\s+MAX\s+USE%\s+DROP/S\s+VERDICT *$' # nothing squeezed at 80
    }

    It 'exports one row per namespace, its checks as text' {
        $csv = $received | ConvertTo-Csv | ConvertFrom-Csv
        @($csv).Count | Should -Be 1
        $csv.Checks | Should -Match '^Fail Capacity: 16 of 16 entries'
        $csv.Blockers | Should -Be 'Capacity'
    }
}

# Root without CAP_NET_ADMIN, CAP_SYS_ADMIN and CAP_SYSLOG (a container's root, say): its own namespace only, counters
# from /proc, no dump, no kernel log; the namespaces it cannot enter are named in one warning.
Describe 'Test-ConntrackCapacity without the capabilities it uses' {
    It 'reads its own namespace from /proc and says what it left out' {
        $probe = "Import-Module '$(Get-DiagModulePath)'; " +
            "`$r = Test-ConntrackCapacity -SampleInterval 0.2 -WarningVariable w -WarningAction SilentlyContinue; " +
            "[pscustomobject]@{ Count = @(`$r).Count; Source = `$r[0].CounterSource; Consumers = (`$r[0].Checks | Where-Object Check -eq Consumers).Actual; " +
            "Log = (`$r[0].Checks | Where-Object Check -eq KernelLog).Status; Warning = `"`$w`" } | ConvertTo-Json -Compress"
        $drop = 'net_admin,-sys_admin,-syslog'
        $json = & setpriv "--inh-caps=-$drop" "--bounding-set=-$drop" -- (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $probe
        $result = $json | ConvertFrom-Json
        $result.Count | Should -Be 1
        $result.Source | Should -Be '/proc/net/stat/nf_conntrack'
        $result.Consumers | Should -Be 'not read: a dump needs CAP_NET_ADMIN (root)'
        $result.Log | Should -Be 'Info'
        $result.Warning | Should -Match 'could not be entered \(EPERM\) and were left out: .*diag-test-ctpester'
        $result.Warning | Should -Match 'needs root or CAP_SYS_ADMIN'
    }
}

# An ordinary user: its own namespace from /proc, named as the host's where it is (Linux 6.18 gives the initial
# namespace a fixed inode, NET_NS_INIT_INO, so it is recognised without reading kthreadd's namespace link).
Describe 'Test-ConntrackCapacity as an ordinary user' {
    AfterAll { Remove-DiagUnprivilegedPwsh }

    It 'reads its own namespace, the host''s, and calls it host' {
        $hostInode = (Get-Item /proc/self/ns/net).LinkTarget -replace '\D'
        $json = Invoke-DiagAsNobody ("Test-ConntrackCapacity -SampleInterval 0.2 -WarningAction SilentlyContinue | " +
            "Select-Object NetworkNamespace, Namespace, IsHostNamespace, CounterSource | ConvertTo-Json -Compress")
        $result = "$json" | ConvertFrom-Json
        $result.NetworkNamespace | Should -Be $hostInode
        $result.CounterSource | Should -Be '/proc/net/stat/nf_conntrack'
        if ([ulong]$hostInode -eq 0xEFFFFFF9) {
            $result.Namespace | Should -Be 'host'
            $result.IsHostNamespace | Should -BeTrue
        }
    }
}
