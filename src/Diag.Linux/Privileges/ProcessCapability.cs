using Diag.Linux.Output;
using CapabilityTable = Diag.Linux.ProcFs.Capabilities;

namespace Diag.Linux.Privileges;

/// <summary>
/// The privileges of a process's threads (getpcaps, /proc/PID/status decoded): one object for all threads that share
/// them, and one more for each group of threads whose sets differ (a thread that dropped or raised capabilities).
/// </summary>
public sealed class ProcessCapability
{
    internal ProcessCapability(int pid, string processName, IReadOnlyList<int> threads, string threadName, CapabilitySets sets,
        string? userName, ProcessNamespaceFacts ns, IReadOnlyList<string>? securebits)
    {
        ProcessId = pid;
        ProcessName = processName;
        ThreadIds = ItemList.Of(threads);
        ThreadName = threadName;
        UserId = sets.RealUid;
        EffectiveUserId = sets.EffectiveUid;
        UserName = userName;
        Effective = ItemList.Of(CapabilityTable.TextNamesOf(sets.Effective));
        Permitted = ItemList.Of(CapabilityTable.TextNamesOf(sets.Permitted));
        Inheritable = ItemList.Of(CapabilityTable.TextNamesOf(sets.Inheritable));
        Bounding = ItemList.Of(CapabilityTable.TextNamesOf(sets.Bounding));
        Ambient = ItemList.Of(CapabilityTable.TextNamesOf(sets.Ambient));
        Text = CapabilityText.Format(sets.Effective, sets.Permitted, sets.Inheritable);
        BoundingText = Short(sets.Bounding);
        NoNewPrivs = sets.NoNewPrivs;
        SeccompValue = sets.Seccomp;
        SeccompFilters = sets.SeccompFilters;
        UserNamespace = ns.UserNamespace;
        InInitialUserNamespace = ns.InInitialUserNamespace;
        UserNamespaceRootUid = ns.RootUid;
        Securebits = securebits is null ? null : ItemList.Of(securebits);
    }

    public int ProcessId { get; }

    public string ProcessName { get; }

    /// <summary>The threads this object describes (all of them unless some differ).</summary>
    public ItemList<int> ThreadIds { get; }

    /// <summary>The first of those threads' name.</summary>
    public string ThreadName { get; }

    /// <summary>Real user ID.</summary>
    public uint UserId { get; }

    /// <summary>Effective user ID: root (0) gets every capability at exec unless SECBIT_NOROOT.</summary>
    public uint EffectiveUserId { get; }

    /// <summary>The effective user's name, from /etc/passwd.</summary>
    public string? UserName { get; }

    /// <summary>What the threads can do now.</summary>
    public ItemList<string> Effective { get; }

    /// <summary>What they may raise into Effective (capset).</summary>
    public ItemList<string> Permitted { get; }

    /// <summary>What passes through an exec of a program whose file capabilities are inheritable too.</summary>
    public ItemList<string> Inheritable { get; }

    /// <summary>The limit on what an exec can ever add: a capability dropped here is gone for good in this process tree.</summary>
    public ItemList<string> Bounding { get; }

    /// <summary>What passes through an exec of an unprivileged program (Linux 4.3).</summary>
    public ItemList<string> Ambient { get; }

    /// <summary>The effective, inheritable and permitted sets as getpcaps (cap_to_text) writes them: "=ep" for all,
    /// "cap_net_raw=ep", "=" for none.</summary>
    public string Text { get; }

    /// <summary>The bounding set in short: "all", "none", "all but cap_sys_resource", or its names.</summary>
    public string BoundingText { get; }

    /// <summary>no_new_privs: exec grants nothing new (setuid bits and file capabilities are ignored).</summary>
    public bool NoNewPrivs { get; }

    /// <summary>Disabled, Strict or Filter (a <see cref="SeccompMode"/> name).</summary>
    public string Seccomp => SeccompValue.ToString();

    internal SeccompMode SeccompValue { get; }

    /// <summary>Seccomp filters installed (Linux 5.9).</summary>
    public int SeccompFilters { get; }

    /// <summary>The user namespace's inode (/proc/PID/ns/user); null when not permitted to read it.</summary>
    public long? UserNamespace { get; }

    /// <summary>True in the machine's own user namespace; capabilities in another one act only on what it owns.</summary>
    public bool? InInitialUserNamespace { get; }

    /// <summary>The uid outside that user root maps to (uid_map), when not in the initial namespace.</summary>
    public uint? UserNamespaceRootUid { get; }

    /// <summary>securebits (SECBIT_NOROOT, KEEP_CAPS…) by name: readable only for this session's own process, since the
    /// kernel shows no other's; null for others.</summary>
    public ItemList<string>? Securebits { get; }

    public override string ToString() => $"{ProcessName} ({ProcessId}): {Text}";

    /// <summary>"all", "none", "all but cap_sys_resource" or the names, whichever is shortest to read.</summary>
    private static string Short(ulong set)
    {
        ulong known = ExecCapabilities.KnownMask;
        set &= known;
        if (set == known) return "all";
        if (set == 0) return "none";
        var missing = CapabilityTable.TextNamesOf(known & ~set).ToList();
        var present = CapabilityTable.TextNamesOf(set).ToList();
        return missing.Count < present.Count ? "all but " + string.Join(',', missing) : string.Join(',', present);
    }
}
