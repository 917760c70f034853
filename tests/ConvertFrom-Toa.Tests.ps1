# Pester 5 tests of ConvertFrom-Toa in a real pwsh: what a user types, with the installed tcpdump
# (.ci/run installs it) piped in as a native command. Build first: dotnet build Diag.slnx.
BeforeAll {
    Import-Module "$PSScriptRoot/TestSupport/DiagTestSupport.psm1" -Force
    Import-Module (Get-DiagModulePath) -Force -ErrorAction Stop

    # The capture the help examples use: five connections to port 1234 from 10.10.1.1 (three, kind 200),
    # 10.10.1.2 and 10.10.1.3 (kind 254), a SYN-ACK without a TOA, and 10.10.1.4 to port 443 in kind 230.
    $examples = Import-PowerShellDataFile "$PSScriptRoot/HelpExamples.psd1"
    $script:pcap = Join-Path $TestDrive 'lvs.pcap'
    [IO.File]::WriteAllBytes($script:pcap, [Convert]::FromBase64String($examples.Examples['ConvertFrom-Toa/4'].Files['lvs.pcap'].Substring(7)))
    $script:tcpdump = (Get-Command tcpdump -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
    if (-not $script:tcpdump) { throw 'tcpdump is not installed: apt-get install -y tcpdump (.ci/run installs it)' }
}

Describe 'ConvertFrom-Toa' {
    It 'reads tcpdump -l -x piped in, every client with its address' {
        $records = & $script:tcpdump -nn -l -x -r $script:pcap 2>$null | ConvertFrom-Toa
        $records.Count | Should -Be 5
        $records[0].PSTypeNames | Should -Contain 'Diag.Linux.Toa.ToaRecord'
        $records.ClientAddress | ForEach-Object { $_ | Should -BeOfType [ipaddress] }
        ($records | Where-Object OptionKind -eq 254).ClientAddress.IPAddressToString | Should -Be '10.10.1.2', '10.10.1.3'
    }

    It 'groups and filters by client address' {
        $groups = ConvertFrom-Toa -Path $script:pcap | Group-Object ClientAddress | Sort-Object Count -Descending
        $groups[0].Name | Should -Be '10.10.1.1'
        $groups[0].Count | Should -Be 3
        $groups.Count | Should -Be 3
        (ConvertFrom-Toa -Path $script:pcap | Where-Object ClientAddress -eq '10.10.1.1').Count | Should -Be 3
        (ConvertFrom-Toa -Path $script:pcap | Where-Object DestinationPort -eq 443).Count | Should -Be 0 -Because 'kind 230 is no TOA kind by default'
        (ConvertFrom-Toa -Path $script:pcap -OptionKind 230 | Where-Object DestinationPort -eq 443).Client | Should -Be '10.10.1.4:45678'
    }

    It 'gives the same clients from the text as from the capture file' {
        $fromText = & $script:tcpdump -nn -x -r $script:pcap 2>$null | ConvertFrom-Toa
        $fromFile = ConvertFrom-Toa -Path $script:pcap
        $fromText.Client | Should -Be $fromFile.Client
        $fromText.PacketNumber | Should -Be $fromFile.PacketNumber
    }

    It 'warns once, with the remedy, when tcpdump dropped kind 254 addresses' {
        $records = & $script:tcpdump -nn -r $script:pcap 2>$null | ConvertFrom-Toa -WarningVariable w -WarningAction SilentlyContinue
        $records.Count | Should -Be 5
        ($records | Where-Object Variant -eq 'PortOnly').ClientPort | Should -Be 23456, 34567
        $w.Count | Should -Be 1
        $w[0].Message | Should -Match 'tcpdump -w FILE'
    }

    It 'writes one error per bad line and keeps going' {
        $lines = @(
            'IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0'
            'IP 1.1.1.1.6 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a01], length 0'
            'IP 1.1.1.1.7 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0102], length 0'
        )
        $records = $lines | ConvertFrom-Toa -ErrorAction SilentlyContinue -ErrorVariable e
        $records.ClientAddress.IPAddressToString | Should -Be '10.10.1.1', '10.10.1.2'
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidToaLength,Diag.Commands.ConvertFromToaCommand'
        $e[0].Exception.Message | Should -BeLike 'Line 2 (packet 2):*'
    }

    It 'reads files piped from Get-ChildItem' {
        Copy-Item $script:pcap (Join-Path $TestDrive 'second.pcap')
        (Get-ChildItem $TestDrive -Filter *.pcap | ConvertFrom-Toa | Group-Object Path).Count | Should -Be 2
    }

    It 'shows the client first in the table at 80 and 120 columns' {
        foreach ($width in 80, 120) {
            $lines = (ConvertFrom-Toa -Path $script:pcap | Out-String -Width $width) -split "`n" | Where-Object { $_.Trim() }
            $lines[0] | Should -Match '^ClientAddress +Port +Server +Balancer +Time'
            $lines | Where-Object { $_.Length -gt $width } | Should -BeNullOrEmpty
            ($lines -join "`n") | Should -Match '10\.10\.1\.1 +12345 10\.0\.0\.2:1234 +192\.168\.0\.5:40000 +12:00:00\.000000'
        }
        (ConvertFrom-Toa -Path $script:pcap | Out-String -Width 120) | Should -Match 'Kind Variant'
    }

    It 'comes back from Start-Job with addresses that are still addresses, in the same view' {
        $job = Start-Job -ScriptBlock {
            param($module, $pcap)
            Import-Module $module
            ConvertFrom-Toa -Path $pcap
        } -ArgumentList (Get-DiagModulePath), $script:pcap
        $records = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force
        $records.Count | Should -Be 5
        $records[0].PSTypeNames | Should -Contain 'Deserialized.Diag.Linux.Toa.ToaRecord'
        $records[0].ClientAddress | Should -BeOfType [ipaddress]
        ($records | Group-Object ClientAddress).Count | Should -Be 3
        ($records | Out-String -Width 120) | Should -Match 'ClientAddress +Port +Server'
    }

    It 'writes readable JSON and CSV' {
        $record = ConvertFrom-Toa -Path $script:pcap | Select-Object -First 1
        $json = $record | ConvertTo-Json | ConvertFrom-Json
        $json.Client | Should -Be '10.10.1.1:12345'
        $csv = Join-Path $TestDrive 'clients.csv'
        ConvertFrom-Toa -Path $script:pcap | Export-Csv -LiteralPath $csv
        $rows = Import-Csv -LiteralPath $csv
        $rows[0].ClientAddress | Should -Be '10.10.1.1'
        $rows[0].Destination | Should -Be '10.0.0.2'
        $rows[0].Timestamp | Should -Not -BeNullOrEmpty
    }

    It 'reads a live capture through a FIFO that tcpdump writes, until tcpdump closes it' {
        $fifo = Join-Path $TestDrive "live-$PID.fifo"
        & mkfifo $fifo
        # tcpdump replays the recorded capture into the FIFO as it would write a live one (-U: each packet at once).
        $writer = Start-Process $script:tcpdump -ArgumentList '-U', '-w', $fifo, '-r', $script:pcap -RedirectStandardError (Join-Path $TestDrive 'tcpdump.err') -PassThru
        try {
            $live = ConvertFrom-Toa -Path $fifo -Duration 60 -WarningVariable w -WarningAction SilentlyContinue
        }
        finally { if (-not $writer.WaitForExit(30000)) { $writer.Kill() } }
        $w | Should -BeNullOrEmpty
        $file = ConvertFrom-Toa -Path $script:pcap
        $live.Client | Should -Be $file.Client
        $live.PacketNumber | Should -Be $file.PacketNumber
    }

    It 'says once, with -Duration, that nobody wrote to a FIFO, and returns' {
        $fifo = Join-Path $TestDrive "idle-$PID.fifo"
        & mkfifo $fifo
        $records = ConvertFrom-Toa -LiteralPath $fifo -Duration 1 -WarningVariable w -WarningAction SilentlyContinue
        $records | Should -BeNullOrEmpty
        $w.Count | Should -Be 1
        $w[0].Message | Should -Match 'no program wrote to'
    }

    It 'reads tcpdump -A text: payload lines are not packets' {
        $fromText = & $script:tcpdump -nn -A -r $script:pcap 2>$null | ConvertFrom-Toa -WarningAction SilentlyContinue
        $fromText.PacketNumber | Should -Be (ConvertFrom-Toa -Path $script:pcap).PacketNumber
    }

    It 'decodes the incident line and one option given as hex' {
        ('... ack 1562404315, win 29, options [Unknown Option 20030390a0a0101], length 0' | ConvertFrom-Toa).Client | Should -Be '10.10.1.1:12345'
        (ConvertFrom-Toa -Hex 30390a0a0101).Client | Should -Be '10.10.1.1:12345'
    }
}
