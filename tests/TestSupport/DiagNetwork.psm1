# Network namespaces for the Pester files of Test-ConntrackCapacity and Get-NetNeighbor, as tests/Shared/TestNetwork.cs
# makes them for the xunit suites: a client and a server namespace (ip netns add, names with this session's PID)
# joined by a veth pair, 10.231.0.1/24 and 10.231.0.2/24. Use-DiagConntrackLimit lowers the global
# nf_conntrack_max under the same machine-wide lock as ConntrackLimit (flock on /run/lock/diag-tests-nf_conntrack_max,
# through FileShare.None), with the original value kept in the lock file until it is put back.

$script:counter = 0

function Invoke-DiagIp {
    $output = & ip @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($args -join ' '): $output" }
    $output
}

function New-DiagTestNetwork {
    param([Parameter(Mandatory)] [string] $Purpose)
    $script:counter++
    $stem = "diag-test-$Purpose-$PID-$($script:counter)"
    $network = [pscustomobject]@{ Client = "$stem-c"; Server = "$stem-s"; ClientAddress = '10.231.0.1'; ServerAddress = '10.231.0.2' }
    try {
        Invoke-DiagIp netns add $network.Client
        Invoke-DiagIp netns add $network.Server
        Invoke-DiagIp link add veth-client netns $network.Client type veth peer name veth-server netns $network.Server
        Invoke-DiagIp -n $network.Client addr add 10.231.0.1/24 dev veth-client
        Invoke-DiagIp -n $network.Server addr add 10.231.0.2/24 dev veth-server
        Invoke-DiagIp -n $network.Client link set veth-client up
        Invoke-DiagIp -n $network.Server link set veth-server up
    }
    catch {
        Remove-DiagTestNetwork $network
        throw
    }
    $network
}

function Remove-DiagTestNetwork {
    param($Network)
    if (-not $Network) { return }
    foreach ($ns in $Network.Client, $Network.Server) { $null = & ip netns delete $ns 2>&1 }
}

# Sends one UDP datagram from the client namespace to each port (bash's /dev/udp: a new flow per port).
function Send-DiagDatagram {
    param([Parameter(Mandatory)] $Network, [Parameter(Mandatory)] [string] $To, [Parameter(Mandatory)] [int[]] $Port)
    $script = ($Port | ForEach-Object { "echo x > /dev/udp/$To/$_ 2>/dev/null" }) -join '; '
    $null = & ip netns exec $Network.Client bash -c "$script; true"
}

function Use-DiagConntrackLimit {
    param([Parameter(Mandatory)] [long] $Max, [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $setting = '/proc/sys/net/netfilter/nf_conntrack_max'
    $deadline = [DateTime]::UtcNow.AddMinutes(5)
    $lock = $null
    while (-not $lock) {
        try { $lock = [IO.FileStream]::new('/run/lock/diag-tests-nf_conntrack_max', 'OpenOrCreate', 'ReadWrite', 'None') }
        catch [IO.IOException] { if ([DateTime]::UtcNow -gt $deadline) { throw }; Start-Sleep -Milliseconds 100 }
    }
    try {
        $reader = [IO.StreamReader]::new($lock, [Text.Encoding]::ASCII, $false, 64, $true)
        $stale = $reader.ReadToEnd().Trim()
        if ($stale -match '^\d+$') { [IO.File]::WriteAllText($setting, $stale) } # left by a killed run
        $original = [IO.File]::ReadAllText($setting).Trim()
        $lock.SetLength(0); $bytes = [Text.Encoding]::ASCII.GetBytes($original); $lock.Write($bytes, 0, $bytes.Length); $lock.Flush($true)
        try {
            [IO.File]::WriteAllText($setting, [string]$Max)
            & $ScriptBlock
        }
        finally {
            [IO.File]::WriteAllText($setting, $original)
            $lock.SetLength(0); $lock.Flush($true)
        }
    }
    finally { $lock.Dispose() }
}

Export-ModuleMember -Function New-DiagTestNetwork, Remove-DiagTestNetwork, Send-DiagDatagram, Use-DiagConntrackLimit, Invoke-DiagIp
