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
#   Skip       why it cannot run here (only for what another suite runs).
# README.md's PowerShell statements are 'README/Number', in the order they appear; those that name
# SSH hosts (webN, or the "Across a fleet" section) are not numbered here: Fleet.Tests.ps1 runs them.
# Every example must finish (or be stopped) without a terminating error and without error records.
@{
    StandIns = @(
        @{ Name = 'vpnserver'; Arguments = @('recvfrom-spin') }
        @{ Name = 'nginx'; Arguments = @('progress') }
    )
    Examples = @{
        'Get-ThreadCpu/2' = @{ Replace = @{ '5060' = '{vpnserver.Pid}' } }
        'Get-ThreadCpu/3' = @{ StopAfter = 3; AllowEmpty = $true }
        'Get-ThreadCpu/4' = @{ Replace = @{ '5060' = '{vpnserver.Pid}'; '-gt 80' = '-gt 1' } }
        'Get-ThreadCpu/5' = @{ Replace = @{ '5060' = '{vpnserver.Pid}'; '5072' = '{vpnserver.Thread.NatThread}'; '-Count 10' = '-Count 3' } }
        'Trace-Syscall/2' = @{ Replace = @{ './server' = '{TestTarget}'; '--config, ./server.conf' = 'arenas, 4' } }
        'README/2' = @{ Replace = @{ '-gt 80' = '-gt 1'; '-Duration 5' = '-Duration 1' } }
        'Get-ThreadCpu/6' = @{ Replace = @{ './threads.json' = '{TestDrive}/threads.json' } ; AllowEmpty = $true }
        'Trace-Syscall/5' = @{ Replace = @{ '-FilePath make -ArgumentList all' = '-FilePath {TestTarget} -ArgumentList fork, 2, 3' } }
        'Trace-Syscall/3' = @{ Replace = @{ '2509' = '{nginx.Pid}'; '-Duration 10' = '-Duration 1' }; AllowEmpty = $true }
    }
}
