using System.Globalization;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Ptrace;

/// <summary>
/// What to do when another process's /proc files refuse this session (its descriptors, current directory, maps): the
/// kernel asks for the same ptrace read access as for tracing it, so the advice is <see cref="PtraceRefusal"/>'s, with the
/// one fact about the target that often explains a refusal to root: it holds capabilities this session does not.
/// </summary>
public static class ProcessAccessAdvice
{
    /// <summary>The remedy for a refusal of process <paramref name="pid"/>'s /proc files.</summary>
    public static string Remedy(int pid)
    {
        var remedy = PtraceRefusal.PermissionRemedy();
        return MissingCapabilities(pid) is { } missing
            ? $"process {pid.ToString(CultureInfo.InvariantCulture)} holds {missing}, which this session lacks; {remedy}"
            : remedy;
    }

    /// <summary>The target's permitted capabilities that this thread's effective set lacks, by name; null when none or unknown.</summary>
    private static string? MissingCapabilities(int pid)
    {
        byte[] status;
        try
        {
            status = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var permitted = StatusText.Hex(StatusText.ValueOf(status, "\nCapPrm:"u8));
        var missing = permitted & ~Capabilities.EffectiveOfThisThread();
        if (missing == 0) return null;
        var names = Enumerable.Range(0, 64).Where(bit => (missing & (1UL << bit)) != 0).Select(Capabilities.NameOf).ToList();
        return string.Join(", ", names.Take(4)) + (names.Count > 4 ? $" and {names.Count - 4} more" : "");
    }
}
