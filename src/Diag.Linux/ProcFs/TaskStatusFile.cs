using System.Globalization;

namespace Diag.Linux.ProcFs;

/// <summary>The identity lines of <c>/proc/TID/status</c> (thread group, parent, tracer thread, kernel thread, state),
/// for the tracers and the target checks; read when attaching or classifying a task, never per syscall. (The sampler
/// reads its counters through <see cref="TaskStatusFields"/>; both parse with <see cref="StatusText"/>.)</summary>
internal readonly record struct TaskStatusFile(int ThreadGroupId, int ParentProcessId, int TracerPid, bool IsKernelThread, char State = '?')
{
    /// <summary>Exited, waiting for its parent to collect the exit status: nothing left to trace or inspect.</summary>
    public bool IsZombie => State is 'Z' or 'X';

    /// <summary>Null when the task does not exist (or vanished while being read).</summary>
    public static TaskStatusFile? TryRead(int tid)
    {
        byte[] text;
        try
        {
            text = File.ReadAllBytes($"/proc/{tid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Parse(text);
    }

    public static TaskStatusFile? Parse(ReadOnlySpan<byte> text)
    {
        var tgidValue = StatusText.ValueOf(text, "\nTgid:"u8);
        if (tgidValue.IsEmpty) return null;
        var stateValue = StatusText.ValueOf(text, "\nState:"u8).TrimStart(" \t"u8);
        var state = stateValue.IsEmpty ? '?' : (char)stateValue[0];
        // Kernels before 6.0 have no Kthread line; kernel threads are the tasks without memory (as are zombies,
        // which have released theirs).
        var kernelThread = StatusText.Has(text, "\nKthread:"u8)
            ? StatusText.FirstNumber(StatusText.ValueOf(text, "\nKthread:"u8)) == 1
            : !StatusText.Has(text, "\nVmSize:"u8) && state is not ('Z' or 'X');
        return new TaskStatusFile(
            (int)StatusText.FirstNumber(tgidValue),
            (int)StatusText.FirstNumber(StatusText.ValueOf(text, "\nPPid:"u8)),
            (int)StatusText.FirstNumber(StatusText.ValueOf(text, "\nTracerPid:"u8)),
            kernelThread,
            state);
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
}
