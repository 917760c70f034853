using System.Diagnostics;
using Diag.Linux.Interop;

namespace Diag.Bench;

/// <summary>CPU time (user + system) spent by this process, or by its reaped children, via getrusage.</summary>
internal static unsafe class CpuUsage
{
    public static TimeSpan Self() => Get(Libc.RUSAGE_SELF);

    public static TimeSpan Thread() => Get(Libc.RUSAGE_THREAD);

    public static TimeSpan Children() => Get(Libc.RUSAGE_CHILDREN);

    /// <summary>CPU time a command used: RUSAGE_CHILDREN before and after it ran and was reaped.</summary>
    public static TimeSpan OfCommand(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var before = Children();
        using var p = Process.Start(info)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} exited with {p.ExitCode}");
        return Children() - before;
    }

    private static TimeSpan Get(int who)
    {
        Libc.ResourceUsage usage;
        if (Libc.GetResourceUsage(who, &usage) != 0) throw SyscallException.FromLastError("getrusage");
        return usage.CpuTime;
    }
}
