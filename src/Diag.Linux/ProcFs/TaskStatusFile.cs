using System.Globalization;

namespace Diag.Linux.ProcFs;

/// <summary>The identity lines of <c>/proc/TID/status</c> the tracer needs (the sampler reads its counters through <see cref="TaskStatusFields"/>) (thread group, parent, tracer thread, kernel thread).
/// Read only when attaching or classifying a new tracee, never per syscall.</summary>
internal readonly record struct TaskStatusFile(int ThreadGroupId, int ParentProcessId, int TracerPid, bool IsKernelThread, char State = '?')
{
    /// <summary>Exited, waiting for its parent to collect the exit status: nothing left to trace or inspect.</summary>
    public bool IsZombie => State is 'Z' or 'X';

    /// <summary>Null when the task does not exist (or vanished while being read).</summary>
    public static TaskStatusFile? TryRead(int tid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{tid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        int tgid = -1, parent = 0, tracer = 0;
        var state = '?';
        var kernelThread = false;
        var sawVm = false;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("Tgid:"))
                tgid = Number(line);
            else if (line.StartsWith("PPid:"))
                parent = Number(line);
            else if (line.StartsWith("TracerPid:"))
                tracer = Number(line);
            else if (line.StartsWith("Kthread:"))
                kernelThread = Number(line) == 1;
            else if (line.StartsWith("VmSize:"))
                sawVm = true;
            else if (line.StartsWith("State:") && line[6..].TrimStart() is { Length: > 0 } value)
                state = value[0];
        }
        // Kernels before 6.0 have no Kthread line; kernel threads are the tasks without memory (as are
        // zombies, which have released theirs).
        if (!text.Contains("Kthread:", StringComparison.Ordinal))
            kernelThread = !sawVm && state is not ('Z' or 'X');
        return tgid < 0 ? null : new TaskStatusFile(tgid, parent, tracer, kernelThread, state);
    }

    /// <summary>The command name of a process, or "?" when it cannot be read.</summary>
    public static string ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static int Number(ReadOnlySpan<char> line)
    {
        var value = line[(line.IndexOf(':') + 1)..].Trim();
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }
}
