using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Tracing;

namespace Diag.Linux.Threads;

/// <summary>
/// The one warning Get-ThreadCpu gives when some threads' CurrentSyscall and WaitChannel could not be
/// read (the kernel asks for ptrace access to show them): which processes, and a remedy that fits the
/// user. For root the usual advice ("run as root") is wrong: a process that refuses root lives in
/// another user namespace or is protected by a security module.
/// </summary>
public static class ThreadAccessWarning
{
    private const int Named = 5;

    public static string Describe(IReadOnlyList<int> processIds) => Describe(processIds, Libc.GetEffectiveUserId() == 0);

    internal static string Describe(IReadOnlyList<int> processIds, bool isRoot)
    {
        var names = string.Join(", ", processIds.Take(Named).Select(pid =>
            pid.ToString(CultureInfo.InvariantCulture) + " (" + TaskStatusFile.ReadComm(pid) + ")"));
        if (processIds.Count > Named)
            names += $" and {processIds.Count - Named} more";
        var which = processIds.Count == 1 ? $"process {names}" : $"{processIds.Count} processes: {names}";
        if (!isRoot)
            return $"CurrentSyscall and WaitChannel are empty for the threads of {which}, which this user may not ptrace. To see them, {AttachFailure.PermissionRemedy(isRoot)}.";
        return $"CurrentSyscall and WaitChannel are empty for the threads of {which}, which refuse ptrace access even to root: "
            + "they run in another user namespace (a container's), are protected by a security module (SELinux, AppArmor: see its audit log), "
            + "or kernel.yama.ptrace_scope is 3. Run Get-ThreadCpu inside that container to see them; their CPU figures are complete.";
    }
}
