# Scenes of dropped packets, for Get-PacketDrop's Pester tests and its help examples: two network namespaces joined by
# a veth pair (client 10.233.0.1, server 10.233.0.2, named diag-pd-<pid>-... so that a later run deletes what a killed
# one left), and a stream of packets the server's kernel drops while a test or an example watches:
#   ConntrackFull  SYNs to 10.233.0.2:8100 against a conntrack table filled with four established connections and a
#                  limit lowered to those four (net.netfilter.nf_conntrack_max is machine-wide: lowered under the lock
#                  file the xunit tests use, put back by Stop-PacketDropScene, or by the next run if this one is killed)
#   ClosedPort     SYNs to 10.233.0.2:8200, where nothing listens
#   HostClosedPort datagrams to 127.0.0.1:9 in this session's own namespace (no namespaces made)
# Nothing goes through a shell: ip, nft and the test target are run with argument lists.
#     Import-Module "$PSScriptRoot/TestSupport/PacketDropScene.psm1" -Force

Import-Module (Join-Path $PSScriptRoot 'DiagTestSupport.psm1')

$script:limitPath = '/proc/sys/net/netfilter/nf_conntrack_max'
$script:lockPath = '/run/lock/diag-tests-nf_conntrack_max'
$script:counter = 0

function Invoke-SceneTool {
    param([string] $File, [string[]] $ArgumentList, [string] $InputText)
    $info = [System.Diagnostics.ProcessStartInfo]::new($File)
    foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $null -ne $InputText
    $process = [System.Diagnostics.Process]::Start($info)
    if ($null -ne $InputText) { $process.StandardInput.Write($InputText); $process.StandardInput.Close() }
    $out = $process.StandardOutput.ReadToEndAsync()
    $err = $process.StandardError.ReadToEnd()
    $process.WaitForExit()
    if ($process.ExitCode -ne 0) { throw "$File $($ArgumentList -join ' '): exit $($process.ExitCode): $err" }
    $out.Result
}

# A test target mode that holds its sockets, started inside a namespace (or here when $Namespace is empty); its first line.
function Start-SceneTarget {
    param([string] $Namespace, [string[]] $Arguments)
    $file = if ($Namespace) { 'ip' } else { Get-DiagTestTargetPath }
    $all = if ($Namespace) { @('netns', 'exec', $Namespace, (Get-DiagTestTargetPath)) + $Arguments } else { $Arguments }
    $info = [System.Diagnostics.ProcessStartInfo]::new($file)
    foreach ($a in $all) { $info.ArgumentList.Add([string]$a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLine()
    if ($null -eq $line) { throw "diag-test-target $Arguments did not start" }
    [pscustomobject]@{ Process = $process; FirstLine = $line }
}

function Remove-StaleSceneNamespace {
    if (-not (Test-Path /run/netns)) { return }
    foreach ($file in Get-ChildItem /run/netns -Filter 'diag-pd-*') {
        $owner = ($file.Name -split '-')[2]
        if ($owner -match '^\d+$' -and -not (Test-Path "/proc/$owner")) {
            try { Invoke-SceneTool ip @('netns', 'delete', $file.Name) } catch { }
        }
    }
}

<#
.SYNOPSIS
    Makes a scene (see the top of this file) and starts its stream of drops; Stop-PacketDropScene undoes all of it.
#>
function Start-PacketDropScene {
    param([Parameter(Mandatory)] [ValidateSet('ConntrackFull', 'ClosedPort', 'HostClosedPort')] [string] $Name)
    $scene = [pscustomobject]@{ Name = $Name; Client = $null; Server = $null; ServerInode = 0L; Targets = [Collections.Generic.List[object]]::new(); Lock = $null; Original = $null }
    try {
        if ($Name -eq 'HostClosedPort') {
            $scene.Targets.Add((Start-SceneTarget -Arguments @('udp-send-loop', '127.0.0.1', '9', '20')))
            return $scene
        }
        Remove-StaleSceneNamespace
        $script:counter++
        $stem = "diag-pd-$PID-$($script:counter)-pester"
        $scene.Client = "$stem-c"
        $scene.Server = "$stem-s"
        Invoke-SceneTool ip @('netns', 'add', $scene.Client) | Out-Null
        Invoke-SceneTool ip @('netns', 'add', $scene.Server) | Out-Null
        Invoke-SceneTool ip @('link', 'add', 'pd-client', 'netns', $scene.Client, 'type', 'veth', 'peer', 'name', 'pd-server', 'netns', $scene.Server) | Out-Null
        Invoke-SceneTool ip @('-n', $scene.Client, 'addr', 'add', '10.233.0.1/24', 'dev', 'pd-client') | Out-Null
        Invoke-SceneTool ip @('-n', $scene.Server, 'addr', 'add', '10.233.0.2/24', 'dev', 'pd-server') | Out-Null
        foreach ($pair in @(@($scene.Client, 'pd-client'), @($scene.Server, 'pd-server'))) {
            Invoke-SceneTool ip @('-n', $pair[0], 'link', 'set', $pair[1], 'up') | Out-Null
            Invoke-SceneTool ip @('-n', $pair[0], 'link', 'set', 'lo', 'up') | Out-Null
        }
        $link = (Invoke-SceneTool ip @('netns', 'exec', $scene.Server, 'readlink', '/proc/self/ns/net')).Trim()
        $scene.ServerInode = [long]($link -replace '\D', '')
        if ($Name -eq 'ClosedPort') {
            $scene.Targets.Add((Start-SceneTarget $scene.Client @('tcp-syn-loop', '10.233.0.2', '8200', '20')))
            return $scene
        }
        Invoke-SceneTool ip @('netns', 'exec', $scene.Server, 'nft', '-f', '-') -InputText 'table inet diag_pd { chain pre { type filter hook prerouting priority 0; ct state new counter accept; }; }' | Out-Null
        $scene.Targets.Add((Start-SceneTarget $scene.Server @('listen', '10.233.0.2', '8100', '4096')))
        $held = Start-SceneTarget $scene.Client @('tcp-data', '10.233.0.2', '8100', '4', '-1')
        $scene.Targets.Add($held)
        if ($held.FirstLine -ne 'CONNECTED 4') { throw "the connections that fill the table did not connect: $($held.FirstLine)" }
        $entries = [long](Invoke-SceneTool ip @('netns', 'exec', $scene.Server, 'cat', '/proc/sys/net/netfilter/nf_conntrack_count')).Trim()
        # The limit is machine-wide: one test at a time lowers it, and the lock file keeps the value to put back.
        $deadline = [DateTime]::UtcNow.AddMinutes(5)
        while (-not $scene.Lock) {
            try { $scene.Lock = [IO.FileStream]::new($script:lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
            catch [IO.IOException] { if ([DateTime]::UtcNow -gt $deadline) { throw }; Start-Sleep -Milliseconds 100 }
        }
        $reader = [IO.StreamReader]::new($scene.Lock, [Text.Encoding]::ASCII, $false, 64, $true)
        $stale = $reader.ReadToEnd().Trim()
        $reader.Dispose()
        if ($stale -match '^\d+$') { [IO.File]::WriteAllText($script:limitPath, $stale) }
        $scene.Original = [IO.File]::ReadAllText($script:limitPath).Trim()
        Write-SceneLock $scene.Lock $scene.Original
        [IO.File]::WriteAllText($script:limitPath, "$entries")
        $scene.Targets.Add((Start-SceneTarget $scene.Client @('tcp-syn-loop', '10.233.0.2', '8100', '20')))
        return $scene
    }
    catch {
        Stop-PacketDropScene $scene
        throw
    }
}

function Write-SceneLock {
    param([IO.FileStream] $File, [string] $Text)
    $File.SetLength(0)
    $File.Position = 0
    $bytes = [Text.Encoding]::ASCII.GetBytes($Text)
    $File.Write($bytes, 0, $bytes.Length)
    $File.Flush($true)
}

function Stop-PacketDropScene {
    param($Scene)
    if (-not $Scene) { return }
    foreach ($target in $Scene.Targets) {
        try { $target.Process.StandardInput.Close() } catch { }
        if (-not $target.Process.WaitForExit(2000)) { try { $target.Process.Kill($true) } catch { } }
    }
    $Scene.Targets.Clear()
    if ($Scene.Lock) {
        try {
            if ($Scene.Original) { [IO.File]::WriteAllText($script:limitPath, $Scene.Original) }
            Write-SceneLock $Scene.Lock ''
        }
        finally { $Scene.Lock.Dispose(); $Scene.Lock = $null }
    }
    foreach ($ns in @($Scene.Client, $Scene.Server)) {
        if ($ns) { try { Invoke-SceneTool ip @('netns', 'delete', $ns) | Out-Null } catch { } }
    }
}

Export-ModuleMember -Function Start-PacketDropScene, Stop-PacketDropScene
