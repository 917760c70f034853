namespace Diag.Linux.Threads;

/// <summary>
/// The names of a thread's scheduler states, from the state letter of <c>/proc/PID/task/TID/stat</c>
/// (the S column of top). Samples carry the name (<see cref="ThreadCpuSample.State"/>) and the letter
/// (<see cref="ThreadCpuSample.StateCode"/>) as strings, so both read the same in a table, after
/// remoting, in CSV and in JSON.
/// </summary>
public static class ThreadStates
{
    /// <summary>R: on a CPU or runnable.</summary>
    public const string Running = "Running";
    /// <summary>S: interruptible sleep (waiting for an event).</summary>
    public const string Sleeping = "Sleeping";
    /// <summary>D: uninterruptible sleep, usually I/O.</summary>
    public const string DiskSleep = "DiskSleep";
    /// <summary>T: stopped by a signal.</summary>
    public const string Stopped = "Stopped";
    /// <summary>t: stopped by a tracer (ptrace).</summary>
    public const string TracingStop = "TracingStop";
    /// <summary>Z: exited, not yet reaped by its parent.</summary>
    public const string Zombie = "Zombie";
    /// <summary>X: dead.</summary>
    public const string Dead = "Dead";
    /// <summary>I: idle kernel thread.</summary>
    public const string Idle = "Idle";
    /// <summary>P: parked kernel thread.</summary>
    public const string Parked = "Parked";
    /// <summary>W: waking (Linux 2.6.33 to 3.13) or paging (before 2.6).</summary>
    public const string Waking = "Waking";
    /// <summary>K: wakekill (Linux 2.6.33 to 3.13).</summary>
    public const string WakeKill = "WakeKill";
    /// <summary>A letter this version does not know.</summary>
    public const string Unknown = "Unknown";

    /// <summary>The name of a state letter. A switch, not a dictionary: this runs once per thread per sample.</summary>
    public static string FromLetter(byte letter) => letter switch
    {
        (byte)'R' => Running,
        (byte)'S' => Sleeping,
        (byte)'D' => DiskSleep,
        (byte)'T' => Stopped,
        (byte)'t' => TracingStop,
        (byte)'Z' => Zombie,
        (byte)'X' => Dead,
        (byte)'I' => Idle,
        (byte)'P' => Parked,
        (byte)'W' => Waking,
        (byte)'K' => WakeKill,
        _ => Unknown,
    };

    private static readonly string[] Letters = Enumerable.Range(0, 128).Select(c => ((char)c).ToString()).ToArray();

    /// <summary>The letter as a string, without allocating for ASCII letters.</summary>
    public static string Code(byte letter) => letter < 128 ? Letters[letter] : "?";
}
