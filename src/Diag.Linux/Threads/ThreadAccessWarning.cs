using System.Globalization;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Threads;

/// <summary>
/// The one warning Get-ThreadCpu gives when some threads' CurrentSyscall and WaitChannel could not be
/// read (the kernel asks for ptrace access to show them): which processes, and a remedy that fits the
/// user. For root the usual advice ("run as root") is wrong: <see cref="PtraceStanding"/> says why root is
/// refused here (no CAP_SYS_PTRACE, root only in a user namespace, Yama, a security module).
/// </summary>
public static class ThreadAccessWarning
{
    private const int Named = 5;

    public static string Describe(IReadOnlyList<int> processIds) => Describe(processIds, PtraceStanding.Current());

    internal static string Describe(IReadOnlyList<int> processIds, PtraceStanding standing)
    {
        var names = string.Join(", ", processIds.Take(Named).Select(pid =>
            pid.ToString(CultureInfo.InvariantCulture) + " (" + TaskStatusFile.ReadComm(pid) + ")"));
        if (processIds.Count > Named)
            names += $" and {processIds.Count - Named} more";
        var which = processIds.Count == 1 ? $"process {names}" : $"{processIds.Count} processes: {names}";
        if (!standing.IsRoot)
            return $"CurrentSyscall and WaitChannel are empty for the threads of {which}, which this user may not ptrace. To see them, {PtraceRefusal.PermissionRemedy(standing)}. Their CPU figures are complete.";
        return $"CurrentSyscall and WaitChannel are empty for the threads of {which}, which this session may not ptrace although it runs as root: {standing.RootRefusal()}. Their CPU figures are complete.";
    }
}
