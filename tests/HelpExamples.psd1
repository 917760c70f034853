# How tests/Help.Examples.Tests.ps1 runs every `Get-Help <cmdlet> -Examples` example as written.
#
# StandIns: processes started before the examples, named like the servers the examples name: a copy
#   of the test target under that name, running the given mode (as a daemon: nobody's child in the
#   test session, so Trace-Syscall may trace it).
# Examples: per 'Cmdlet/Number' (1-based), what to change before running:
#   Replace    literal text => replacement; tokens {Name.Pid}, {Name.Thread.ThreadName}, {TestTarget}
#              and {TestDrive} are expanded first.
#   StopAfter  seconds after which the example is stopped as Ctrl+C does (for -Continuous and other
#              examples that run until stopped); stopping it must still be clean.
#   AllowEmpty the example may rightly write nothing (a filter that matches nothing here).
#   ExpectErrorId  the FullyQualifiedErrorId the example is meant to show.
#   Shows      regular expressions the example's output (at 120 columns) must match: what its text says it shows.
#   Skip       why it cannot run here (only for what another suite runs).
#   Scene      packets the kernel drops while the example runs (tests/TestSupport/PacketDropScene.psm1): ConntrackFull,
#              ClosedPort or HostClosedPort.
#   Contains   strings the example's output must contain: what its text says it shows.
#   Files      files written into TestDrive before the example runs: name => lines of text, or
#              'base64:...' for bytes (recorded captures and tcpdump output, where the example
#              captures live traffic or reads a server's files).
# README.md's PowerShell statements are 'README/Number', in the order they appear; those that name
# SSH hosts (webN, or the "Across a fleet" section) are not numbered here: Fleet.Tests.ps1 runs them.
# Every example must finish (or be stopped) without a terminating error and without error records.
@{
    StandIns = @(
        @{ Name = 'vpnserver'; Arguments = @('recvfrom-spin') }
        @{ Name = 'nginx'; Arguments = @('progress') }
        @{ Name = 'mysqld'; Arguments = @('sleep') }
        @{ Name = 'php'; Arguments = @('pipe-selfloop') }
        @{ Name = 'php-fpm'; Arguments = @('unix-server', '@diag-php-fpm-%d') }
        @{ Name = 'atd'; Arguments = @('process-churn') }
        # The Spring Boot service: eight threads, each with its own glibc arena holding 2 MiB.
        @{ Name = 'java'; Arguments = @('arenas-hold', '8', '2048') }
        # A worker that leaked descriptors up to 95% of a 1024 open-files limit.
        @{ Name = 'php-worker'; Arguments = @('nofile-fill', '95', '1024') }
        @{ Name = 'ping'; Arguments = @('sleep') }
    )
    Examples = @{
        # The planted atd re-enacted: a copy of coreutils' sleep first on PATH stands for /usr/bin/atd shadowing the
        # package's /usr/sbin/atd (PATH is the process's: restored after the example; no braces, which are tokens here).
        'Get-FileOrigin/1' = @{ Replace = @{ 'Get-Command atd -All | Get-FileOrigin' = '$saved = $env:PATH; New-Item -ItemType Directory {TestDrive}/plant -Force | Out-Null; Copy-Item /usr/bin/sleep {TestDrive}/plant/sleep; $env:PATH = "{TestDrive}/plant:" + $env:PATH; Get-Command sleep -All | Get-FileOrigin; $env:PATH = $saved' } }
        'Get-FileOrigin/3' = @{ Replace = @{ '-Command atd' = '-Command sleep' } }
        'Get-FileOrigin/4' = @{ AllowEmpty = $true }
        'Test-PackageIntegrity/1' = @{ Replace = @{ '/usr/sbin/atd' = '/usr/bin/sleep' } }
        # Every package would take minutes on a loaded test machine: two packages stand for them.
        'Test-PackageIntegrity/2' = @{ Replace = @{ 'Test-PackageIntegrity |' = 'Test-PackageIntegrity coreutils, bash |' }; AllowEmpty = $true }
        'Test-PackageIntegrity/3' = @{ Replace = @{ 'Test-PackageIntegrity -IncludeConffile' = 'Test-PackageIntegrity base-files, bash -IncludeConffile' }; AllowEmpty = $true }
        # setcap on a file of the test's own instead of the system's ping.
        'Get-FileCapability/1' = @{ Replace = @{ '/usr/bin/ping' = '{TestDrive}/ping' }; Files = @{ 'ping' = @('#!/bin/sh') } }
        'Get-FileCapability/2' = @{ AllowEmpty = $true }
        'Get-FileCapability/3' = @{ AllowEmpty = $true }
        'Get-ProcessCapability/2' = @{ Replace = @{ '-Name sshd' = '-Name mysqld' } }
        'Get-ProcessCapability/3' = @{ AllowEmpty = $true }
        'Get-ThreadCpu/2' = @{ Replace = @{ '5060' = '{vpnserver.Pid}' } }
        'Get-ThreadCpu/3' = @{ StopAfter = 3; AllowEmpty = $true }
        'Get-ThreadCpu/4' = @{ Replace = @{ '5060' = '{vpnserver.Pid}'; '-gt 80' = '-gt 1' } }
        'Get-ThreadCpu/5' = @{ Replace = @{ '5060' = '{vpnserver.Pid}'; '5072' = '{vpnserver.Thread.NatThread}'; '-Count 10' = '-Count 3' } }
        'Trace-Syscall/2' = @{ Replace = @{ './server' = '{TestTarget}'; '--config, ./server.conf' = 'arenas, 4' } }
        'README/5' = @{ Skip = 'tests/Package.Tests.ps1 runs the Install section in a clean pwsh, against the package it builds' }
        'README/6' = @{ Skip = 'tests/Package.Tests.ps1 runs the Install section in a clean pwsh, against the package it builds' }
        'README/7' = @{ Skip = 'tests/Package.Tests.ps1 runs the Install section in a clean pwsh, against the package it builds' }
        'README/8' = @{ Skip = 'tests/Package.Tests.ps1 runs the Install section in a clean pwsh, against the package it builds' }
        'README/9' = @{ Skip = 'tests/Package.Tests.ps1 runs the Install section in a clean pwsh, against the package it builds' }
        'README/2' = @{ Replace = @{ '-gt 80' = '-gt 1'; '-Duration 5' = '-Duration 1' } }
        'Get-ThreadCpu/6' = @{ Replace = @{ './threads.json' = '{TestDrive}/threads.json' } ; AllowEmpty = $true }
        'Trace-Syscall/5' = @{ Replace = @{ '-FilePath make -ArgumentList all' = '-FilePath {TestTarget} -ArgumentList fork, 2, 3' } }
        'Watch-ProcessExec/1' = @{ Replace = @{ '-Duration 5' = '-Duration 2' } }
        # The stand-in's children carry the name the loop's would (they rename themselves at once).
        'Watch-ProcessExec/2' = @{ Replace = @{ '-Name atd -Duration 10' = '-Name diag-vanishing -Duration 2' } }
        'Watch-ProcessExec/3' = @{ Replace = @{ '-Duration 10' = '-Duration 2' }; AllowEmpty = $true }
        'Watch-ProcessExec/4' = @{ Replace = @{ '-Duration 5' = '-Duration 2' } }
        # The stand-in's children all exit 0: nothing to show is the right answer here.
        'Watch-ProcessExec/5' = @{ Replace = @{ 'Get-Process supervisord' = 'Get-Process atd'; '-Duration 30' = '-Duration 2' }; AllowEmpty = $true }
        'Get-PipePeer/2' = @{ Replace = @{ '2509' = '{php.Pid}' }; Shows = @('SelfLoop') }
        'Get-ThreadStack/3' = @{ Replace = @{ '2509' = '{nginx.Pid}' }; AllowEmpty = $true }
        'Get-ThreadStack/4' = @{ Replace = @{ '5060' = '{vpnserver.Pid}'; '5072' = '{vpnserver.Thread.NatThread}' }; Shows = @('recvfrom') }
        'Get-ProcessMemoryMap/3' = @{ Replace = @{ '-Interval 60' = '-Interval 1' }; AllowEmpty = $true }
        'Wait-ProcessExit/1' = @{ StopAfter = 2 }
        'Wait-ProcessExit/2' = @{ StopAfter = 2 }
        'Wait-ProcessExit/3' = @{ Replace = @{ '-Timeout 10' = '-Timeout 1' }; ExpectErrorId = 'ProcessNotTerminated,Diag.Commands.WaitProcessExitCommand' }
        'Get-MemoryStall/1' = @{ Replace = @{ '-Duration 5' = '-Duration 1' } }
        'Get-MemoryStall/2' = @{ Replace = @{ 'Get-MemoryStall -Name java' = 'Get-MemoryStall -Name java -Duration 1' }; AllowEmpty = $true }
        'Get-MemoryStall/3' = @{ Replace = @{ '-Duration 10' = '-Duration 1' }; AllowEmpty = $true }
        'Get-MemoryStall/4' = @{ StopAfter = 3; AllowEmpty = $true }
        'Trace-Syscall/6' = @{ Replace = @{ '-Duration 10' = '-Duration 1' } }
        'Trace-Syscall/8' = @{ Replace = @{ '-Duration 10' = '-Duration 1' } }
        'Trace-Syscall/7' = @{ Replace = @{ '-Id 1 ' = '-Id {atd.Pid} '; '-Duration 5' = '-Duration 1' } }
        'Trace-Syscall/9' = @{ Replace = @{ '-Duration 10' = '-Duration 1' } }
        # The million-connection test's server is the scene's 10.233.0.2, behind a full conntrack table.
        'Get-PacketDrop/1' = @{ Scene = 'ConntrackFull'; Replace = @{ '192.168.2.120' = '10.233.0.2'; '-Duration 10' = '-Duration 3' }; Contains = @('ConntrackFull', '> 10.233.0.2:8100', 'nf_hook_slow+0x') }
        'Get-PacketDrop/2' = @{ Scene = 'ConntrackFull'; Contains = @('NETFILTER_DROP', 'ConntrackFull', "conntrack's drop counter", 'ConntrackMax') }
        'Get-PacketDrop/3' = @{ Scene = 'ConntrackFull'; Replace = @{ '-Duration 10' = '-Duration 3' }; Contains = @('ConntrackFull', 'nf_conntrack:drop') }
        'Get-PacketDrop/4' = @{ Scene = 'ClosedPort'; Replace = @{ '-Duration 10' = '-Duration 3' }; Contains = @('ClosedPort', '> 10.233.0.2:8200') }
        'Get-PacketDrop/5' = @{ Scene = 'HostClosedPort'; Contains = @('ClosedPort', '127.0.0.1', '__udp4_lib_rcv+0x') }
        'Trace-Syscall/3' = @{ Replace = @{ '2509' = '{nginx.Pid}'; '-Duration 10' = '-Duration 1' }; AllowEmpty = $true }
        # Conntrack: tables that track nothing are Idle; nothing may fail here. The host's entries may be none.
        'Test-ConntrackCapacity/2' = @{ AllowEmpty = $true }
        'Test-ConntrackCapacity/3' = @{ Replace = @{ '-SampleInterval 10' = '-SampleInterval 1' }; AllowEmpty = $true }
        'Test-ConntrackCapacity/5' = @{ AllowEmpty = $true }
        # Neighbours: nothing need be unresolved here. Example 2's address is reached through the default gateway.
        'Get-NetNeighbor/1' = @{ AllowEmpty = $true }
        'Get-NetNeighbor/5' = @{ AllowEmpty = $true }
        # A live capture replaced by what `tcpdump -nn -x -r lvs.pcap` printed for the same filter (tcpdump 4.99.3).
        'ConvertFrom-Toa/1' = @{
            Replace = @{ "tcpdump -nn -l -x 'tcp dst port 1234 and tcp[12] & 0xf0 > 0x50'" = "Get-Content '{TestDrive}/lvs.txt'" }
            Files   = @{ 'lvs.txt' = @(
                "12:00:00.000000 IP 192.168.0.5.40000 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,nop,nop,unknown-200 0x30390a0a0101,nop,nop], length 0",
                "`t0x0000:  4500 0038 0001 0000 4006 b010 c0a8 0005",
                "`t0x0010:  0a00 0002 9c40 04d2 0000 0001 0000 0000",
                "`t0x0020:  9002 2000 0000 0000 0204 05b4 0101 c808",
                "`t0x0030:  3039 0a0a 0101 0101",
                "12:00:02.500000 IP 192.168.0.5.40001 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,nop,nop,exp-5ba0,nop,nop], length 0",
                "`t0x0000:  4500 0038 0001 0000 4006 b010 c0a8 0005",
                "`t0x0010:  0a00 0002 9c41 04d2 0000 0001 0000 0000",
                "`t0x0020:  9002 2000 0000 0000 0204 05b4 0101 fe08",
                "`t0x0030:  5ba0 0a0a 0102 0101",
                "12:00:03.750000 IP 192.168.0.5.40002 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,nop,nop,unknown-200 0x303a0a0a0101,nop,nop], length 0",
                "`t0x0000:  4500 0038 0001 0000 4006 b010 c0a8 0005",
                "`t0x0010:  0a00 0002 9c42 04d2 0000 0001 0000 0000",
                "`t0x0020:  9002 2000 0000 0000 0204 05b4 0101 c808",
                "`t0x0030:  303a 0a0a 0101 0101",
                "12:00:04.000000 IP 192.168.0.5.40003 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,nop,nop,exp-8707,nop,nop], length 0",
                "`t0x0000:  4500 0038 0001 0000 4006 b010 c0a8 0005",
                "`t0x0010:  0a00 0002 9c43 04d2 0000 0001 0000 0000",
                "`t0x0020:  9002 2000 0000 0000 0204 05b4 0101 fe08",
                "`t0x0030:  8707 0a0a 0103 0101",
                "12:00:05.250000 IP 192.168.0.5.40004 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,nop,nop,unknown-200 0x303b0a0a0101,nop,nop], length 0",
                "`t0x0000:  4500 0038 0001 0000 4006 b010 c0a8 0005",
                "`t0x0010:  0a00 0002 9c44 04d2 0000 0001 0000 0000",
                "`t0x0020:  9002 2000 0000 0000 0204 05b4 0101 c808",
                "`t0x0030:  303b 0a0a 0101 0101"
                ) }
        }
        # lvs.pcap: six connections of three clients to port 1234 (kinds 200 and 254), a SYN-ACK, and one client to 443 in kind 230.
        'ConvertFrom-Toa/2' = @{ Replace = @{ '/var/tmp/lvs-*.pcap' = '{TestDrive}/lvs-*.pcap' }; Shows = @('\d+ 10\.10\.1\.1'); Files = @{ 'lvs-1.pcap' = 'base64:1MOyoQIABAAAAAAAAAAAAAAABAABAAAAwC4yZgAAAABGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcQATSAAAAAQAAAACQAiAAAAAAAAIEBbQBAcgIMDkKCgEBAQHBLjJmkNADADoAAAA6AAAAABEiM0RVZneImaq7CABFAAAsAAEAAEAGsBwKAAACwKgABQTSnEAAAAABAAAAAGASIAAAAAAAAgQFtMIuMmYgoQcARgAAAEYAAAAAESIzRFVmd4iZqrsIAEUAADgAAQAAQAawEMCoAAUKAAACnEEE0gAAAAEAAAAAkAIgAAAAAAACBAW0AQH+CFugCgoBAgEBwy4yZrBxCwBGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcQgTSAAAAAQAAAACQAiAAAAAAAAIEBbQBAcgIMDoKCgEBAQHELjJmAAAAAEYAAABGAAAAABEiM0RVZneImaq7CABFAAA4AAEAAEAGsBDAqAAFCgAAApxDBNIAAAABAAAAAJACIAAAAAAAAgQFtAEB/giHBwoKAQMBAcUuMmaQ0AMARgAAAEYAAAAAESIzRFVmd4iZqrsIAEUAADgAAQAAQAawEMCoAAUKAAACnEQE0gAAAAEAAAAAkAIgAAAAAAACBAW0AQHICDA7CgoBAQEBxi4yZiChBwBGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcRQG7AAAAAQAAAACQAiAAAAAAAAIEBbQBAeYIsm4KCgEEAQE=' } }
        'ConvertFrom-Toa/4' = @{ Files = @{ 'lvs.pcap' = 'base64:1MOyoQIABAAAAAAAAAAAAAAABAABAAAAwC4yZgAAAABGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcQATSAAAAAQAAAACQAiAAAAAAAAIEBbQBAcgIMDkKCgEBAQHBLjJmkNADADoAAAA6AAAAABEiM0RVZneImaq7CABFAAAsAAEAAEAGsBwKAAACwKgABQTSnEAAAAABAAAAAGASIAAAAAAAAgQFtMIuMmYgoQcARgAAAEYAAAAAESIzRFVmd4iZqrsIAEUAADgAAQAAQAawEMCoAAUKAAACnEEE0gAAAAEAAAAAkAIgAAAAAAACBAW0AQH+CFugCgoBAgEBwy4yZrBxCwBGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcQgTSAAAAAQAAAACQAiAAAAAAAAIEBbQBAcgIMDoKCgEBAQHELjJmAAAAAEYAAABGAAAAABEiM0RVZneImaq7CABFAAA4AAEAAEAGsBDAqAAFCgAAApxDBNIAAAABAAAAAJACIAAAAAAAAgQFtAEB/giHBwoKAQMBAcUuMmaQ0AMARgAAAEYAAAAAESIzRFVmd4iZqrsIAEUAADgAAQAAQAawEMCoAAUKAAACnEQE0gAAAAEAAAAAkAIgAAAAAAACBAW0AQHICDA7CgoBAQEBxi4yZiChBwBGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcRQG7AAAAAQAAAACQAiAAAAAAAAIEBbQBAeYIsm4KCgEEAQE=' } }
        # A live tcpdump writing the FIFO, replaced by tcpdump writing the recorded capture into it.
        'ConvertFrom-Toa/6' = @{
            Replace = @{
                '/tmp/lvs.fifo' = '{TestDrive}/lvs.fifo'
                "'tcp dst port 1234'" = "'-r', '{TestDrive}/lvs.pcap' -RedirectStandardError '{TestDrive}/tcpdump.err'"
                '-Duration 60' = '-Duration 30'
            }
            Files = @{ 'lvs.pcap' = 'base64:1MOyoQIABAAAAAAAAAAAAAAABAABAAAAwC4yZgAAAABGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcQATSAAAAAQAAAACQAiAAAAAAAAIEBbQBAcgIMDkKCgEBAQHBLjJmkNADADoAAAA6AAAAABEiM0RVZneImaq7CABFAAAsAAEAAEAGsBwKAAACwKgABQTSnEAAAAABAAAAAGASIAAAAAAAAgQFtMIuMmYgoQcARgAAAEYAAAAAESIzRFVmd4iZqrsIAEUAADgAAQAAQAawEMCoAAUKAAACnEEE0gAAAAEAAAAAkAIgAAAAAAACBAW0AQH+CFugCgoBAgEBwy4yZrBxCwBGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcQgTSAAAAAQAAAACQAiAAAAAAAAIEBbQBAcgIMDoKCgEBAQHELjJmAAAAAEYAAABGAAAAABEiM0RVZneImaq7CABFAAA4AAEAAEAGsBDAqAAFCgAAApxDBNIAAAABAAAAAJACIAAAAAAAAgQFtAEB/giHBwoKAQMBAcUuMmaQ0AMARgAAAEYAAAAAESIzRFVmd4iZqrsIAEUAADgAAQAAQAawEMCoAAUKAAACnEQE0gAAAAEAAAAAkAIgAAAAAAACBAW0AQHICDA7CgoBAQEBxi4yZiChBwBGAAAARgAAAAARIjNEVWZ3iJmquwgARQAAOAABAABABrAQwKgABQoAAAKcRQG7AAAAAQAAAACQAiAAAAAAAAIEBbQBAeYIsm4KCgEEAQE=' }
        }
        # What the examples' texts say they show (examples with no other setting).
        'ConvertFrom-Toa/3' = @{ Shows = @('10\.10\.1\.1\s+12345') }
        'ConvertFrom-Toa/5' = @{ Shows = @('10\.10\.1\.1\s+12345') }
        'Get-PipePeer/1' = @{ Shows = @('SelfLoop') }
        'Trace-Syscall/1' = @{ Shows = @('recvfrom') }
        'Get-ThreadStack/1' = @{ Shows = @('recvfrom') }
        'Get-ProcessMemoryMap/1' = @{ Shows = @('GlibcArena') }
        'Get-ProcessLimit/2' = @{ Shows = @('NearLimit') }
    }
}
