using System.Globalization;
using System.Text;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Stacks;

/// <summary>The per-thread /proc files a stack capture reads before stopping a thread: its name and state
/// (stat), and its kernel stack (stack, root only).</summary>
internal static class TaskStatText
{
    public readonly record struct Identity(string Name, byte State);

    /// <summary>Null when the thread is gone (or a zombie: nothing left to stop).</summary>
    public static Identity? Read(int pid, int tid)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(TaskPath(pid, tid, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (!TaskStat.TryParse(bytes, out var stat, out var name) || stat.State is (byte)'Z' or (byte)'X') return null;
        return new Identity(Encoding.UTF8.GetString(name), stat.State);
    }

    /// <summary>The raw lines of /proc/PID/task/TID/stack; null when not readable (it needs root).</summary>
    public static string? ReadKernelStack(int pid, int tid)
    {
        try
        {
            return File.ReadAllText(TaskPath(pid, tid, "stack"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string TaskPath(int pid, int tid, string leaf) =>
        $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task/{tid.ToString(CultureInfo.InvariantCulture)}/{leaf}";
}
