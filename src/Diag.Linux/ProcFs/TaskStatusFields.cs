namespace Diag.Linux.ProcFs;

/// <summary>The fields of <c>/proc/PID/task/TID/status</c> the thread sampler uses.
/// NStgid and NSpid list the IDs from the outermost to the innermost PID namespace (Linux 4.1+);
/// the last entry is what <c>top</c> inside a container shows. Zero when the line is absent.</summary>
internal readonly record struct TaskStatusFields(
    int ThreadGroupId,
    int NamespaceThreadGroupId,
    int NamespaceThreadId,
    long VoluntaryContextSwitches,
    long InvoluntaryContextSwitches,
    int PidNamespaceLevels)
{
    /// <summary>True when the task lives in a PID namespace below the one /proc was mounted from (NSpid
    /// has more than one entry), so its inner IDs differ from the host's.</summary>
    public bool InNestedPidNamespace => PidNamespaceLevels > 1;

    public static TaskStatusFields Parse(ReadOnlySpan<byte> content)
    {
        int tgid = (int)StatusText.FirstNumber(StatusText.ValueOf(content, "\nTgid:"u8));
        int nsTgid = (int)StatusText.LastNumber(StatusText.ValueOf(content, "\nNStgid:"u8));
        var nsPidLine = StatusText.ValueOf(content, "\nNSpid:"u8);
        int nsPid = (int)StatusText.LastNumber(nsPidLine);
        long voluntary = StatusText.FirstNumber(StatusText.ValueOf(content, "\nvoluntary_ctxt_switches:"u8));
        long involuntary = StatusText.FirstNumber(StatusText.ValueOf(content, "\nnonvoluntary_ctxt_switches:"u8));
        return new TaskStatusFields(tgid, nsTgid, nsPid, voluntary, involuntary, StatusText.CountNumbers(nsPidLine));
    }
}
