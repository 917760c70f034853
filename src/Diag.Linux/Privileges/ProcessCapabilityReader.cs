using System.Globalization;
using Diag.Linux.Interop;
using CapabilityTable = Diag.Linux.ProcFs.Capabilities;

namespace Diag.Linux.Privileges;

/// <summary>
/// Reads every thread's privileges from /proc/PID/task/TID/status (readable for any process by any user), groups the
/// threads that share them, and answers "can it do X" with the set the capability is missing from.
/// </summary>
public static class ProcessCapabilityReader
{
    private static readonly string[] SecurebitNames =
    [
        "noroot", "noroot_locked", "no_setuid_fixup", "no_setuid_fixup_locked", "keep_caps", "keep_caps_locked",
        "no_cap_ambient_raise", "no_cap_ambient_raise_locked", "exec_restrict_file", "exec_restrict_file_locked",
        "exec_deny_interactive", "exec_deny_interactive_locked",
    ];

    /// <summary>The process's thread groups; null when it does not exist (or exited while read).</summary>
    public static IReadOnlyList<ProcessCapability>? Read(int pid) => ReadWithSets(pid)?.Select(r => r.Process).ToList();

    /// <summary>Whether the process can use <paramref name="capability"/> (cap_net_raw, NET_RAW, a number), per thread group.</summary>
    public static IReadOnlyList<CapabilityCheck>? Check(int pid, int capability)
    {
        var groups = ReadWithSets(pid);
        return groups?.Select(g => new CapabilityCheck(g.Process, CapabilityTable.TextNameOf(capability), g.Sets, capability, Reason(g.Process, g.Sets, capability))).ToList();
    }

    /// <summary>A capability's number from any spelling; false when no capability is called that.</summary>
    public static bool TryParseCapability(string text, out int capability) => CapabilityTable.TryParse(text, out capability);

    /// <summary>Every spelling getcap uses, for completion.</summary>
    public static IReadOnlyList<string> CapabilityNames => CapabilityTable.AllTextNames;

    private static List<(ProcessCapability Process, CapabilitySets Sets)>? ReadWithSets(int pid)
    {
        var proc = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        var leader = CapabilitySets.Read(proc + "/status");
        if (leader is null) return null;
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories(proc + "/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            tasks = [proc + "/task/" + pid.ToString(CultureInfo.InvariantCulture)];
        }
        var groups = new List<(CapabilitySets Sets, string Name, List<int> Threads)>();
        foreach (var task in tasks.OrderBy(t => int.TryParse(Path.GetFileName(t), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue))
        {
            if (!int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)) continue;
            var read = CapabilitySets.Read(task + "/status");
            if (read is not { } thread) continue; // a thread that exited meanwhile
            var group = groups.FindIndex(g => g.Sets == thread.Sets);
            if (group < 0) groups.Add((thread.Sets, thread.Name, new List<int> { tid }));
            else groups[group].Threads.Add(tid);
        }
        if (groups.Count == 0) groups.Add((leader.Value.Sets, leader.Value.Name, new List<int> { pid }));
        var processName = ProcFs.TaskStatusFile.ReadComm(pid);
        var ns = ProcessNamespaceFacts.Read(pid);
        var securebits = pid == Environment.ProcessId ? OwnSecurebits() : null;
        return groups.Select(g => (new ProcessCapability(pid, processName, g.Threads, g.Name, g.Sets, UserNames.Of(g.Sets.EffectiveUid), ns, securebits), g.Sets)).ToList();
    }

    private static IReadOnlyList<string>? OwnSecurebits()
    {
        int bits = Libc.Prctl(Libc.PR_GET_SECUREBITS, 0, 0, 0, 0);
        if (bits < 0) return null;
        var names = new List<string>();
        for (int bit = 0; bit < 32; bit++)
            if ((bits & (1 << bit)) != 0) names.Add(bit < SecurebitNames.Length ? SecurebitNames[bit] : bit.ToString(CultureInfo.InvariantCulture));
        return names;
    }

    /// <summary>Why the capability is (not) usable, naming the set it is missing from and what would put it there.</summary>
    private static string Reason(ProcessCapability process, CapabilitySets sets, int bit)
    {
        var name = CapabilityTable.TextNameOf(bit);
        var who = $"{process.ProcessName} ({process.ProcessId})";
        var scope = process.InInitialUserNamespace == false
            ? $" It holds it only inside its user namespace {process.UserNamespace} (whose root is uid {process.UserNamespaceRootUid?.ToString(CultureInfo.InvariantCulture) ?? "?"} outside): it acts on what that namespace owns, not on the host's network, mounts or devices."
            : "";
        if (CapabilityTable.Has(sets.Effective, bit))
            return $"{who} can use {name}: it is in the effective set.{scope}";
        if (CapabilityTable.Has(sets.Permitted, bit))
            return $"{who} has {name} in its permitted set but not in its effective set: the program must raise it itself (capset) before the kernel honours it; a program that does not know capabilities needs the file's effective flag (+ep).{scope}";
        if (!CapabilityTable.Has(sets.Bounding, bit))
            return $"{name} is not in {who}'s bounding set: it was dropped (by a container runtime, systemd CapabilityBoundingSet=, or capsh --drop) and no exec can give it back to this process or its children.";
        var nnp = sets.NoNewPrivs ? " no_new_privs is set, so file capabilities and setuid bits give nothing at exec." : "";
        var root = sets.EffectiveUid == 0
            ? " The process runs as root but has dropped it (root regains every capability only at its next exec, unless SECBIT_NOROOT)."
            : $" It runs as uid {sets.EffectiveUid}, so only these give it at exec: a file capability on its program (getcap shows it; setcap {name}=+ep PROGRAM sets it), the ambient set of the process that starts it, or running as root.";
        return $"{name} is not in {who}'s permitted set, so it cannot be used.{root}{nnp}";
    }
}
