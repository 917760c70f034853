<#
A fleet of SSH hosts made on this machine, for the remoting tests (tests/Fleet.Tests.ps1) and the
fan-out benchmark (bench/FleetFanOut.ps1): one `sshd -D` per host, with PowerShell's SSH subsystem and
key-only login, started and stopped by PID.

    $fleet = New-DiagFleet -Name h1, h2, h3
    $PSDefaultParameterValues += $fleet.DefaultParameterValues   # -KeyFilePath and -Options for ssh
    Invoke-Command -HostName $fleet.Hosts.HostName { hostname }
    Remove-DiagFleet $fleet

Each host gets
  - its own network namespace and address (Namespace mode): a veth pair per host, 198.18.S.(4i+2)/30 in
    the host's namespace and 198.18.S.(4i+1)/30 on this side of the pair, in a /24 of the 198.18.0.0/15
    benchmarking range (RFC 2544) that no interface or route of the machine uses. Deleting the namespace
    deletes the pair with its addresses and route; nothing else of the machine is touched.
    Where this session may not make namespaces (not root, no iproute2, a container without CAP_SYS_ADMIN),
    Loopback mode: its own 127.0.0.N address and port on the loopback interface, nothing created.
    $env:DIAG_FLEET_MODE = 'Loopback' forces the fallback.
  - its own PowerShell data directory (XDG_DATA_HOME, set by sshd's SetEnv), hence its own user module
    folder, the first entry of $env:PSModulePath in its sessions, as a separate machine would have: the
    hosts share this machine's filesystem, and its /proc (a process started here is seen by every host).
Logins are as the current user with a throwaway ed25519 key; the client trusts exactly the hosts' keys
through a known_hosts file of the fleet (StrictHostKeyChecking=yes, BatchMode=yes: nothing prompts).
#>
Set-StrictMode -Version Latest

$script:ipCommand = Get-Command ip -CommandType Application -ErrorAction Ignore | Select-Object -First 1
$script:sshdCommand = @(Get-Command sshd -CommandType Application -ErrorAction Ignore) + @(Get-Item /usr/sbin/sshd -ErrorAction Ignore) |
    Select-Object -First 1

function Invoke-FleetTool {
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList, [switch] $AllowFailure)
    $output = & $FilePath @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) {
        throw "$FilePath $($ArgumentList -join ' ') failed with exit code ${LASTEXITCODE}: $($output -join ' ')"
    }
    $output
}

<#
.SYNOPSIS
    Which kind of fleet this session can make: Namespace, or Loopback and why.
#>
function Get-DiagFleetMode {
    [OutputType([pscustomobject])]
    param()
    if ($env:DIAG_FLEET_MODE) {
        if ($env:DIAG_FLEET_MODE -notin 'Namespace', 'Loopback') { throw "DIAG_FLEET_MODE is '$env:DIAG_FLEET_MODE': use Namespace or Loopback." }
        return [pscustomobject]@{ Mode = $env:DIAG_FLEET_MODE; Reason = 'DIAG_FLEET_MODE' }
    }
    if (-not $script:ipCommand) { return [pscustomobject]@{ Mode = 'Loopback'; Reason = 'ip (iproute2) is not installed' } }
    # Making a namespace and running a process in it is the whole requirement: try it.
    $probe = "diagfleet-probe-$PID"
    $add = & $script:ipCommand.Source netns add $probe 2>&1
    if ($LASTEXITCODE -ne 0) { return [pscustomobject]@{ Mode = 'Loopback'; Reason = "ip netns add: $add" } }
    try {
        $exec = & $script:ipCommand.Source netns exec $probe /bin/true 2>&1
        if ($LASTEXITCODE -ne 0) { return [pscustomobject]@{ Mode = 'Loopback'; Reason = "ip netns exec: $exec" } }
    }
    finally { $null = & $script:ipCommand.Source netns delete $probe 2>&1 }
    [pscustomobject]@{ Mode = 'Namespace'; Reason = 'ip netns add is permitted' }
}

# A /24 of 198.18.0.0/15 that no address or route of this machine mentions.
function Get-FreeFleetSubnet {
    $used = (Invoke-FleetTool $script:ipCommand.Source '-4', '-o', addr, show) + (Invoke-FleetTool $script:ipCommand.Source '-4', route, show, table, all) -join "`n"
    foreach ($try in 1..64) {
        $third = Get-Random -Minimum 0 -Maximum 256
        if (-not $used.Contains("198.18.$third.")) { return "198.18.$third" }
    }
    throw 'No free /24 in 198.18.0.0/15 for the fleet: this machine uses the benchmarking range itself.'
}

function Get-FreeTcpPort {
    param([string] $Address)
    $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Parse($Address), 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# sshd exits at once when its privilege-separation directory (compiled in, /run/sshd on Debian) is
# missing, as it is until the system's own sshd first ran. `sshd -t` names it; as root, make it.
function Assert-SshdConfig {
    param([string] $ConfigPath)
    $check = Invoke-FleetTool $script:sshdCommand.Source '-t', '-f', $ConfigPath -AllowFailure
    if ($LASTEXITCODE -eq 0) { return }
    if ("$check" -match 'Missing privilege separation directory: (\S+)') {
        $null = New-Item -ItemType Directory -Force -Path $Matches[1]
        $null = Invoke-FleetTool chmod 755, $Matches[1]
        $check = Invoke-FleetTool $script:sshdCommand.Source '-t', '-f', $ConfigPath -AllowFailure
        if ($LASTEXITCODE -eq 0) { return }
    }
    throw "sshd rejects $ConfigPath : $check"
}

function New-SshdConfig {
    param($Host_, $Fleet, [switch] $RefuseKey)
    $authorizedKeys = if ($RefuseKey) { 'none' } else { $Fleet.AuthorizedKeysFile }
    @"
# Host $($Host_.Name) of Diag's test fleet ($($Fleet.Mode) mode), run by the test as: sshd -D -f <this file>
ListenAddress $($Host_.Address)
Port $($Host_.Port)
HostKey $($Host_.HostKeyPath)
PidFile none
AuthorizedKeysFile $authorizedKeys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $([Environment]::UserName)
# The fleet's files are in a temporary directory, which StrictModes refuses; PAM is not needed for keys.
StrictModes no
UsePAM no
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
# Room for every test's sessions arriving at once.
MaxStartups 50:30:100
MaxSessions 50
# The host's own PowerShell data, caches and user module folder (first in PSModulePath).
SetEnv XDG_DATA_HOME=$($Host_.Home)/data XDG_CONFIG_HOME=$($Host_.Home)/config XDG_CACHE_HOME=$($Host_.Home)/cache
Subsystem powershell $($Fleet.Pwsh) -sshs -NoLogo -NoProfile
"@
}

<#
.SYNOPSIS
    Starts a fleet of SSH hosts on this machine; Remove-DiagFleet takes it down.
.PARAMETER Name
    Host names (h1, h2...): namespaces, directories and log files are named after them.
.PARAMETER Refusing
    Hosts whose sshd runs but refuses the fleet's key (Permission denied (publickey)).
.PARAMETER Down
    Hosts with an address and no sshd: connections are refused.
.OUTPUTS
    The fleet: Mode, ModeReason, Root (its temporary directory), KeyFilePath, KnownHostsFile, Options
    (for -Options), DefaultParameterValues (for $PSDefaultParameterValues), Pwsh (the subsystem's
    pwsh), and Hosts: Name, HostName (what -HostName takes), Address, Port, Role (Ssh, Refusing, Down),
    Namespace, ModulePath (the host's user module folder), LogPath, ProcessId.
#>
function New-DiagFleet {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Name,
        [string[]] $Refusing = @(),
        [string[]] $Down = @()
    )
    if (-not $script:sshdCommand) { throw 'sshd is not installed: apt-get install -y openssh-server (the tests start their own sshd; no service is needed).' }
    if (-not (Get-Command ssh -CommandType Application -ErrorAction Ignore)) {
        throw 'PowerShell SSH remoting runs the ssh client, which is not on PATH: apt-get install -y openssh-client.'
    }
    $mode = Get-DiagFleetMode
    # The id names the fleet's directory, namespaces and interfaces, and teardown finds the fleet's
    # processes by its directory: a directory that already exists is another fleet's.
    do {
        $id = '{0:x4}' -f (Get-Random -Maximum 0x10000)
        $root = Join-Path ([IO.Path]::GetTempPath()) "diagfleet-$id"
    } until (New-Item -ItemType Directory -Path $root -ErrorAction Ignore)
    $fleet = [pscustomobject]@{
        Id                     = $id
        Mode                   = $mode.Mode
        ModeReason             = $mode.Reason
        Root                   = $root
        KeyFilePath            = Join-Path $root 'client_ed25519'
        AuthorizedKeysFile     = Join-Path $root 'authorized_keys'
        KnownHostsFile         = Join-Path $root 'known_hosts'
        # The apphost of the pwsh running this: the hosts run the same PowerShell.
        Pwsh                   = Join-Path $PSHOME 'pwsh'
        Options                = $null
        DefaultParameterValues = $null
        Hosts                  = [System.Collections.Generic.List[object]]::new()
        Removed                = $false
    }
    try {
        $null = Invoke-FleetTool ssh-keygen '-q', '-t', 'ed25519', '-N', '', '-C', "diag-fleet-$id", '-f', $fleet.KeyFilePath
        Copy-Item "$($fleet.KeyFilePath).pub" $fleet.AuthorizedKeysFile
        $subnet = if ($fleet.Mode -eq 'Namespace') { Get-FreeFleetSubnet }
        $index = 0
        foreach ($n in $Name) {
            $address = if ($fleet.Mode -eq 'Namespace') { "$subnet.$(4 * $index + 2)" } else { "127.0.0.$(11 + $index)" }
            $port = if ($fleet.Mode -eq 'Namespace') { 22 } else { Get-FreeTcpPort $address }
            $home_ = Join-Path $root $n
            $h = [pscustomobject]@{
                Name          = $n
                HostName      = if ($port -eq 22) { $address } else { "${address}:$port" }
                Address       = $address
                Port          = $port
                Role          = if ($n -in $Refusing) { 'Refusing' } elseif ($n -in $Down) { 'Down' } else { 'Ssh' }
                Namespace     = if ($fleet.Mode -eq 'Namespace') { "diagfleet-$id-$n" } else { $null }
                Interface     = if ($fleet.Mode -eq 'Namespace') { "df$id$index" } else { $null }
                PeerAddress   = if ($fleet.Mode -eq 'Namespace') { "$subnet.$(4 * $index + 1)" } else { $null }
                Home          = $home_
                ModulePath    = Join-Path $home_ 'data/powershell/Modules'
                HostKeyPath   = Join-Path $home_ 'ssh_host_ed25519_key'
                ConfigPath    = Join-Path $home_ 'sshd_config'
                LogPath       = Join-Path $home_ 'sshd.log'
                Process       = $null
                ProcessId     = 0
            }
            $fleet.Hosts.Add($h)
            $index++
            $null = New-Item -ItemType Directory -Force -Path $home_
            if ($h.Namespace) { Add-FleetNamespace $h }
            if ($h.Role -ne 'Down') { Start-FleetSshd $h $fleet }
        }
        if (-not (Test-Path $fleet.KnownHostsFile)) { $null = New-Item -ItemType File -Path $fleet.KnownHostsFile }
        foreach ($h in $fleet.Hosts) { if ($h.Process) { Wait-FleetSshd $h } }
    }
    catch {
        Remove-DiagFleet $fleet
        throw
    }
    $fleet.Options = @{
        UserKnownHostsFile    = $fleet.KnownHostsFile
        GlobalKnownHostsFile  = '/dev/null'
        StrictHostKeyChecking = 'yes'
        BatchMode             = 'yes'
        IdentitiesOnly        = 'yes'
        IdentityAgent         = 'none'
        ConnectTimeout        = '20'
    }
    $fleet.DefaultParameterValues = @{}
    foreach ($command in 'Invoke-Command', 'New-PSSession', 'Enter-PSSession') {
        $fleet.DefaultParameterValues["${command}:KeyFilePath"] = $fleet.KeyFilePath
        $fleet.DefaultParameterValues["${command}:Options"] = $fleet.Options
    }
    $fleet
}

# The host's namespace, and a veth pair from here into it: a /30 per host.
function Add-FleetNamespace {
    param($Host_)
    $ip = $script:ipCommand.Source
    $null = Invoke-FleetTool $ip netns, add, $Host_.Namespace
    $null = Invoke-FleetTool $ip link, add, $Host_.Interface, type, veth, peer, name, eth0, netns, $Host_.Namespace
    $null = Invoke-FleetTool $ip addr, add, "$($Host_.PeerAddress)/30", dev, $Host_.Interface
    $null = Invoke-FleetTool $ip link, set, $Host_.Interface, up
    $null = Invoke-FleetTool $ip '-n', $Host_.Namespace, addr, add, "$($Host_.Address)/30", dev, eth0
    $null = Invoke-FleetTool $ip '-n', $Host_.Namespace, link, set, eth0, up
    $null = Invoke-FleetTool $ip '-n', $Host_.Namespace, link, set, lo, up
}

# The host's key (trusted by the fleet's known_hosts), its sshd_config, and its sshd, in its namespace.
function Start-FleetSshd {
    param($Host_, $Fleet)
    $null = Invoke-FleetTool ssh-keygen '-q', '-t', 'ed25519', '-N', '', '-C', "diag-fleet-$($Fleet.Id)-$($Host_.Name)", '-f', $Host_.HostKeyPath
    $hostKey = (Get-Content -Raw "$($Host_.HostKeyPath).pub").Trim()
    $knownAs = if ($Host_.Port -eq 22) { $Host_.Address } else { "[$($Host_.Address)]:$($Host_.Port)" }
    Add-Content -Path $Fleet.KnownHostsFile -Value "$knownAs $hostKey"
    Set-Content -Path $Host_.ConfigPath -Value (New-SshdConfig -Host_ $Host_ -Fleet $Fleet -RefuseKey:($Host_.Role -eq 'Refusing'))
    Assert-SshdConfig $Host_.ConfigPath

    $sshd = $script:sshdCommand.Source
    # `ip netns exec` switches namespace and execs sshd: the PID started is sshd's.
    $arguments = @($sshd, '-D', '-f', $Host_.ConfigPath, '-E', $Host_.LogPath)
    $file = if ($Host_.Namespace) { $script:ipCommand.Source; $arguments = @('netns', 'exec', $Host_.Namespace) + $arguments } else { $arguments[0]; $arguments = $arguments[1..($arguments.Count - 1)] }
    $info = [System.Diagnostics.ProcessStartInfo]::new($file)
    foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    # Never the test runner's own streams: sshd logs to its file (-E).
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $Host_.Process = [System.Diagnostics.Process]::Start($info)
    $Host_.ProcessId = $Host_.Process.Id
}

function Wait-FleetSshd {
    param($Host_)
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ((Test-Path $Host_.LogPath) -and (Select-String -Path $Host_.LogPath -SimpleMatch 'Server listening on' -Quiet)) { return }
        if ($Host_.Process.HasExited) { break }
        Start-Sleep -Milliseconds 50
    }
    $log = if (Test-Path $Host_.LogPath) { Get-Content -Raw $Host_.LogPath } else { '(no log)' }
    throw "sshd of $($Host_.Name) is not listening (exited: $($Host_.Process.HasExited)): $log"
}

# PIDs of the processes under $Root (included), read from /proc/*/stat.
function Get-ProcessTree {
    param([int[]] $Root)
    $children = @{}
    foreach ($dir in [IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$') { continue }
        try { $stat = [IO.File]::ReadAllText("$dir/stat") } catch { continue }   # gone meanwhile
        $parent = [int]$stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1]
        if (-not $children.ContainsKey($parent)) { $children[$parent] = [System.Collections.Generic.List[int]]::new() }
        $children[$parent].Add([int]$name)
    }
    $tree = [System.Collections.Generic.List[int]]::new()
    $queue = [System.Collections.Generic.Queue[int]]::new()
    foreach ($r in $Root) { if ($r -gt 0 -and (Test-Path "/proc/$r")) { $queue.Enqueue($r) } }
    while ($queue.Count) {
        $p = $queue.Dequeue()
        $tree.Add($p)
        if ($children.ContainsKey($p)) { foreach ($c in $children[$p]) { $queue.Enqueue($c) } }
    }
    $tree
}

# Processes of this fleet by what they carry: its directory in their command line (the sshd) or their
# environment (the sessions' pwsh, whose XDG_* variables sshd set).
function Get-FleetProcess {
    param($Fleet)
    foreach ($dir in [IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$' -or [int]$name -eq $PID) { continue }
        try {
            $text = [IO.File]::ReadAllText("$dir/cmdline") + [IO.File]::ReadAllText("$dir/environ")
            $state = [IO.File]::ReadAllText("$dir/stat")
        }
        catch { continue }
        if ($state.Substring($state.LastIndexOf(')') + 2, 1) -eq 'Z') { continue }   # exited, waiting for its parent
        if ($text.Contains($Fleet.Root)) { [int]$name }
    }
}

<#
.SYNOPSIS
    Stops every sshd of the fleet and everything it started, by PID, deletes its namespaces (with their
    veth pairs) and its directory. Safe to call twice and after a failed New-DiagFleet; never throws.
#>
function Remove-DiagFleet {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [AllowNull()] $Fleet)
    if (-not $Fleet -or $Fleet.Removed) { return }
    # The listeners and, under them, each connection's sshd and its pwsh -sshs; and anything of the
    # fleet that was reparented away from its sshd.
    $roots = @($Fleet.Hosts | Where-Object ProcessId | ForEach-Object ProcessId)
    $pids = @(Get-ProcessTree $roots) + @(Get-FleetProcess $Fleet) | Sort-Object -Unique
    foreach ($p in $pids) {
        try { [System.Diagnostics.Process]::GetProcessById($p).Kill() } catch { }   # SIGKILL; gone already is fine
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while (@(Get-FleetProcess $Fleet).Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    foreach ($h in $Fleet.Hosts) {
        if ($h.Process) { try { $null = $h.Process.WaitForExit(5000); $h.Process.Dispose() } catch { } }
        if ($h.Namespace -and $script:ipCommand) {
            # Deleting the namespace destroys its end of the veth pair, and with it this end.
            $null = Invoke-FleetTool $script:ipCommand.Source netns, delete, $h.Namespace -AllowFailure
            $null = Invoke-FleetTool $script:ipCommand.Source link, delete, $h.Interface -AllowFailure
        }
    }
    Remove-Item -Recurse -Force -Path $Fleet.Root -ErrorAction SilentlyContinue
    $Fleet.Removed = $true
}

<#
.SYNOPSIS
    What of the fleet is still there: live processes, namespaces, interfaces, files. Empty after Remove-DiagFleet.
#>
function Get-DiagFleetLeftover {
    param([Parameter(Mandatory)] $Fleet)
    foreach ($h in $Fleet.Hosts) {
        if ($h.ProcessId -and (Test-Path "/proc/$($h.ProcessId)")) {
            $stat = Get-Content -Raw "/proc/$($h.ProcessId)/stat" -ErrorAction Ignore
            if ($stat -and $stat.Substring($stat.LastIndexOf(')') + 2, 1) -ne 'Z') { "sshd of $($h.Name) (PID $($h.ProcessId))" }
        }
    }
    foreach ($p in Get-FleetProcess $Fleet) { "process $p of the fleet: $((Get-Content -Raw "/proc/$p/cmdline" -ErrorAction Ignore) -replace "`0", ' ')" }
    if ($script:ipCommand -and $Fleet.Mode -eq 'Namespace') {
        $namespaces = Invoke-FleetTool $script:ipCommand.Source netns, list -AllowFailure
        foreach ($line in $namespaces) { if ("$line" -like "diagfleet-$($Fleet.Id)-*") { "namespace $line" } }
        $links = Invoke-FleetTool $script:ipCommand.Source '-o', link, show -AllowFailure
        foreach ($line in $links) { if ("$line" -match ": (df$($Fleet.Id)\d+)@") { "interface $($Matches[1])" } }
    }
    if (Test-Path $Fleet.Root) { "directory $($Fleet.Root)" }
}

Export-ModuleMember -Function Get-DiagFleetMode, New-DiagFleet, Remove-DiagFleet, Get-DiagFleetLeftover
