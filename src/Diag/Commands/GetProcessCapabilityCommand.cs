using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Privileges;

namespace Diag.Commands;

/// <summary>
/// Get-ProcessCapability: what a process may do (getpcaps, /proc/PID/status decoded): every thread's effective,
/// permitted, inheritable, bounding and ambient sets by name, no_new_privs, seccomp, user and user namespace; with
/// -Capability, whether it can use one capability and, if not, which set it is missing from and why.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProcessCapability", DefaultParameterSetName = AllSet)]
[OutputType(typeof(ProcessCapability), typeof(CapabilityCheck))]
public sealed class GetProcessCapabilityCommand : ProcessCmdlet
{
    private const string AllSet = "All";
    private readonly List<int> _capabilities = new();

    /// <summary>Ask whether the processes can use these capabilities (cap_net_raw, NET_RAW, net_raw or a number).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    public string[]? Capability { get; set; }

    protected override void BeginProcessing()
    {
        foreach (var name in Capability ?? [])
        {
            if (ProcessCapabilityReader.TryParseCapability(name, out var number)) _capabilities.Add(number);
            else ThrowTerminatingError(CapabilityErrors.UnknownCapability(name).ToErrorRecord());
        }
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<int> pids;
        if (ParameterSetName == AllSet)
        {
            try
            {
                pids = Linux.ProcFs.ProcessSelection.All.Resolve().ProcessIds;
            }
            catch (Diag.Linux.Interop.SyscallException e)
            {
                ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
                return;
            }
        }
        else pids = ResolveProcesses();

        foreach (int pid in pids)
        {
            if (StopToken.IsCancellationRequested) return;
            if (_capabilities.Count == 0)
            {
                var groups = ProcessCapabilityReader.Read(pid);
                if (groups is null) Missing(pid);
                else WriteObject(groups, enumerateCollection: true);
                continue;
            }
            foreach (var capability in _capabilities)
            {
                var checks = ProcessCapabilityReader.Check(pid, capability);
                if (checks is null)
                {
                    Missing(pid);
                    break;
                }
                WriteObject(checks, enumerateCollection: true);
            }
        }
    }

    private void Missing(int pid)
    {
        // Every process of "All" was listed a moment ago: one that exited since is no error.
        if (ParameterSetName == AllSet) return;
        if (!SkipIfExitedSinceNameMatch(pid, "its capabilities were read")) WriteDiagError(ProcessErrors.ProcessNotFound(pid));
    }
}
