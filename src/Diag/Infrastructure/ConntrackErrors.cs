using Diag.Linux.Conntrack;
using Diag.Linux.Interop;

namespace Diag.Commands.Infrastructure;

/// <summary>Test-ConntrackCapacity's errors, from the engine's problems.</summary>
internal static class ConntrackErrors
{
    public static DiagError CountersUnreadable(ConntrackProblem problem) => new(
        new InvalidOperationException($"The conntrack counters of network namespace {problem.Target} could not be read: {problem.Detail}."),
        "ConntrackCountersUnreadable," + Errno.GetName(problem.Errno), DiagError.CategoryOf(problem.Errno), problem.Target,
        problem.Errno is Errno.EPERM or Errno.EACCES
            ? "ctnetlink needs CAP_NET_ADMIN: run as root."
            : "Check that /proc/net/stat/nf_conntrack exists in that namespace (the kernel's connection tracking).");
}
