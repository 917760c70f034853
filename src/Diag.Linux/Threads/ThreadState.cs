namespace Diag.Linux.Threads;

/// <summary>
/// A thread's scheduler state, from the state letter of <c>/proc/PID/task/TID/stat</c> (the S column
/// of <c>top</c>). Each value is the letter's character code, so <c>[char][int]$x.State</c> gives the letter back.
/// </summary>
public enum ThreadState
{
    /// <summary>A letter this version does not know.</summary>
    Unknown = '?',
    /// <summary>R: on a CPU or runnable.</summary>
    Running = 'R',
    /// <summary>S: interruptible sleep (waiting for an event).</summary>
    Sleeping = 'S',
    /// <summary>D: uninterruptible sleep, usually I/O.</summary>
    DiskSleep = 'D',
    /// <summary>T: stopped by a signal.</summary>
    Stopped = 'T',
    /// <summary>t: stopped by a tracer (ptrace).</summary>
    TracingStop = 't',
    /// <summary>Z: exited, not yet reaped.</summary>
    Zombie = 'Z',
    /// <summary>X: dead.</summary>
    Dead = 'X',
    /// <summary>I: idle kernel thread.</summary>
    Idle = 'I',
    /// <summary>P: parked kernel thread.</summary>
    Parked = 'P',
    /// <summary>W: waking (Linux 2.6.33 to 3.13) or paging (before 2.6).</summary>
    Waking = 'W',
    /// <summary>K: wakekill (Linux 2.6.33 to 3.13).</summary>
    WakeKill = 'K',
}
