# Pester 5 tests of Get-PacketDrop in a real pwsh: what users type (filters, composition with PowerShell's own cmdlets,
# the tables at 80 and 120 columns, jobs, JSON and CSV, a session without the rights to load eBPF), against packets the
# kernel drops on purpose in network namespaces made for the test (TestSupport/PacketDropScene.psm1). Needs root.
# Build first: dotnet build Diag.slnx.
BeforeDiscovery {
    # Loading eBPF and making namespaces need root; the suite runs as root in CI.
    $script:root = (id -u) -eq '0'
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module "$PSScriptRoot/TestSupport/PacketDropScene.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop
    $script:root = (id -u) -eq '0'
}

Describe 'Get-PacketDrop' {
    BeforeAll {
        if ($script:root) { $script:closed = Start-PacketDropScene -Name ClosedPort }
    }
    AfterAll { Stop-PacketDropScene $script:closed }

    It 'streams a closed port''s drops as objects that Where-Object and Group-Object read' -Skip:(-not $script:root) {
        $drops = Get-PacketDrop -NetworkNamespace $closed.ServerInode -Port 8200 -Count 4
        $drops | Should -HaveCount 4
        $drops[0].PSTypeNames | Should -Contain 'Diag.Linux.PacketDrops.PacketDrop'
        ($drops | Where-Object { $_.Cause -eq 'ClosedPort' -and $_.TcpFlags -eq 'Syn' }) | Should -HaveCount 4
        ($drops | Group-Object Reason).Name | Should -Be 'NO_SOCKET'
        ($drops | Where-Object SourceAddress -eq '10.233.0.1') | Should -HaveCount 4
        $drops.DestinationPort | Sort-Object -Unique | Should -Be 8200
        $drops.NetworkNamespaceName | Sort-Object -Unique | Should -Be $closed.Server
    }

    It 'prints why, which flow and where at 80 columns, and the rest at 120' -Skip:(-not $script:root) {
        $drops = Get-PacketDrop -NetworkNamespace $closed.ServerInode -Count 2
        $narrow = ($drops | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $narrow[0] | Should -Match '^TIME\s+REASON/CAUSE\s+FLOW\s+PLACE\s*$'
        $narrow[2] | Should -Match '^\d\d:\d\d:\d\d ClosedPort\s+10\.233\.0\.1:\d+ > 10\.233\.0\.2:8200 tcp_v4_rcv\+0x'
        $narrow | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        ($drops | Out-String -Width 120) | Should -Match 'pd-server\s+60 diag-pd-'
    }

    It 'exports readable CSV and JSON' -Skip:(-not $script:root) {
        $csv = Join-Path $TestDrive 'drops.csv'
        Get-PacketDrop -NetworkNamespace $closed.ServerInode -Count 2 -Stack | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows[0].Cause | Should -Be 'ClosedPort'
        $rows[0].Protocol | Should -Be 'Tcp'
        $rows[0].SourceAddress | Should -Be '10.233.0.1'
        $rows[0].KernelStack | Should -BeLike '*tcp_v4_rcv+0x*, *'
        $json = Get-PacketDrop -NetworkNamespace $closed.ServerInode -Count 1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Cause | Should -Be 'ClosedPort'
        $json.CauseCertainty | Should -Be 'Confirmed'
        $json.SourceAddress.Value | Should -Be '10.233.0.1'
        $json.Flow | Should -BeLike '10.233.0.1:* > 10.233.0.2:8200'
    }

    It 'comes back from Start-Job as objects, with the same view' -Skip:(-not $script:root) {
        $remote = Start-Job { param($module, $ns) Import-Module $module; Get-PacketDrop -NetworkNamespace $ns -Count 1 -Stack } -ArgumentList (Get-DiagModulePath), $closed.ServerInode |
            Receive-Job -Wait -AutoRemoveJob
        $remote.PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.PacketDrops.PacketDrop'
        $remote.SourceAddress.Value | Should -Be '10.233.0.1'
        $remote.SourceAddress.Family | Should -Be 'IPv4'
        @($remote.KernelStack)[0] | Should -BeLike '*+0x*'
        ($remote | Out-String -Width 80) | Should -Match 'ClosedPort\s+10\.233\.0\.1:\d+ > 10\.233\.0\.2:8200'
        ($remote | Format-Table -View Fleet | Out-String -Width 80) | Should -Match 'HOST\s+TIME\s+REASON/CAUSE\s+FLOW'
    }

    It 'counts in the kernel beside the kernel''s own counters' -Skip:(-not $script:root) {
        $out = Get-PacketDrop -NetworkNamespace $closed.ServerInode -Summary -Duration 2
        $row = $out | Where-Object { $_ -is [Diag.Linux.PacketDrops.PacketDropSummary] -and $_.Reason -eq 'NO_SOCKET' }
        $row.Cause | Should -Be 'ClosedPort'
        $row.Count | Should -BeGreaterThan 0
        $counter = $out | Where-Object { $_ -is [Diag.Linux.PacketDrops.PacketDropCounter] -and $_.Counter -eq 'Tcp:OutRsts' }
        $counter.Increase | Should -BeGreaterThan 0
        ($out | Out-String -Width 80) | Should -Match '\s+\d+\s+[\d.]+ ClosedPort\s+tcp_v4_rcv\+0x'
        # The counters are rows of the same table, not a list printed after it.
        ($out | Out-String -Width 80) | Should -Match '\s+\d+\s+[\d.]+ kernel counter\s+Tcp:OutRsts '
    }

    It 'keeps a summary''s counters in its table when it comes back from a job, in the Fleet view too' -Skip:(-not $script:root) {
        $remote = Start-Job { param($module, $ns) Import-Module $module; Get-PacketDrop -NetworkNamespace $ns -Summary -Duration 2 } -ArgumentList (Get-DiagModulePath), $closed.ServerInode |
            Receive-Job -Wait -AutoRemoveJob
        @($remote | ForEach-Object { $_.PSTypeNames[0] }) | Should -Contain 'Deserialized.Diag.Linux.PacketDrops.PacketDropCounter'
        $text = $remote | Out-String -Width 80
        $text | Should -Match 'ClosedPort\s+tcp_v4_rcv\+0x'
        $text | Should -Match 'kernel counter\s+Tcp:OutRsts '
        $text | Should -Not -Match 'ComparesWith'
        $fleet = $remote | Format-Table -View Fleet | Out-String -Width 80
        $fleet | Should -Match 'HOST\s+COUNT\s+REASON/CAUSE\s+PLACE'
        $fleet | Should -Match 'localhost\s+\d+ kernel counter\s+Tcp:OutRsts '
        $fleet | Should -Not -Match 'ComparesWith'
    }

    It 'tells a full conntrack table from the reason, and says how sure' -Skip:(-not $script:root) {
        $full = Start-PacketDropScene -Name ConntrackFull
        try {
            $drops = Get-PacketDrop -NetworkNamespace $full.ServerInode -Port 8100 -Count 3
        }
        finally { Stop-PacketDropScene $full }
        $drops.Reason | Sort-Object -Unique | Should -Be 'NETFILTER_DROP'
        $drops.Cause | Sort-Object -Unique | Should -Be 'ConntrackFull'
        $drops.CauseCertainty | Should -Contain 'Confirmed'
        $drops.Conntrack | Sort-Object -Unique | Should -Be 'None'
        $drops[0].Location | Should -BeLike 'nf_hook_slow+0x*'
        $drops[0].CauseEvidence | Should -Match 'conntrack'
    }

    It 'refuses filters it cannot apply, by error id' {
        { Get-PacketDrop -Address 192.168.2 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidAddress,Diag.Commands.GetPacketDropCommand'
        { Get-PacketDrop -Reason NO_SUCH_REASON -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownReason,Diag.Commands.GetPacketDropCommand'
        { Get-PacketDrop -Summary -Count 3 -ErrorAction Stop } | Should -Throw -ErrorId 'CountWithSummary,Diag.Commands.GetPacketDropCommand'
    }

    It 'says what is missing to a session that may not load eBPF' -Skip:(-not $script:root) {
        $pwsh = Join-Path $PSHOME 'pwsh'
        $probe = "Import-Module '$(Get-DiagModulePath)'; try { Get-PacketDrop -Duration 1 -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.ErrorDetails.RecommendedAction }"
        # Root without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, as in a container that drops them.
        $id, $remedy = & setpriv --inh-caps=-bpf,-perfmon,-sys_admin --bounding-set=-bpf,-perfmon,-sys_admin -- $pwsh -NoProfile -NonInteractive -Command $probe
        $id | Should -Be 'PacketDropNotPermitted,Diag.Commands.GetPacketDropCommand'
        $remedy | Should -Match 'CAP_BPF and CAP_PERFMON'
    }
}
