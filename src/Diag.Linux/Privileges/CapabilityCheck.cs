using Diag.Linux.Output;

namespace Diag.Linux.Privileges;

/// <summary>"Can this process do X?": one capability against a process's sets, with the answer and why not.</summary>
public sealed class CapabilityCheck
{
    internal CapabilityCheck(ProcessCapability process, string capability, CapabilitySets sets, int bit, string reason)
    {
        ProcessId = process.ProcessId;
        ProcessName = process.ProcessName;
        ThreadIds = process.ThreadIds;
        Capability = capability;
        InEffective = ProcFs.Capabilities.Has(sets.Effective, bit);
        InPermitted = ProcFs.Capabilities.Has(sets.Permitted, bit);
        InInheritable = ProcFs.Capabilities.Has(sets.Inheritable, bit);
        InBounding = ProcFs.Capabilities.Has(sets.Bounding, bit);
        InAmbient = ProcFs.Capabilities.Has(sets.Ambient, bit);
        Allowed = InEffective;
        Reason = reason;
        UserId = sets.RealUid;
        InInitialUserNamespace = process.InInitialUserNamespace;
    }

    public int ProcessId { get; }

    public string ProcessName { get; }

    public ItemList<int> ThreadIds { get; }

    /// <summary>As getcap spells it: cap_net_raw.</summary>
    public string Capability { get; }

    /// <summary>True when the capability is effective: the kernel lets the threads use it now.</summary>
    public bool Allowed { get; }

    public bool InEffective { get; }

    public bool InPermitted { get; }

    public bool InInheritable { get; }

    public bool InBounding { get; }

    public bool InAmbient { get; }

    public uint UserId { get; }

    public bool? InInitialUserNamespace { get; }

    /// <summary>Why, in a sentence: which set it is missing from and what would put it there.</summary>
    public string Reason { get; }

    public override string ToString() => $"{ProcessName} ({ProcessId}) {Capability}: {(Allowed ? "yes" : "no")}";
}
