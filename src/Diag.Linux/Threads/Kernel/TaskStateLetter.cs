namespace Diag.Linux.Threads.Kernel;

/// <summary>
/// The state letter /proc prints (stat's third field, status's State) from a task's raw <c>__state</c> and
/// <c>exit_state</c>, as the kernel's task_state_index() computes it: the reportable bits, TASK_IDLE shown as I,
/// a frozen or rtlock-waiting task shown as D, then the highest bit's index into "RSDTtXZPI".
/// </summary>
internal static class TaskStateLetter
{
    private const uint Uninterruptible = 0x2, NoLoad = 0x400, RtLockWait = 0x1000, Frozen = 0x8000;
    private const uint Report = 0x7f;            // RUNNING..PARKED: the states /proc reports
    private const uint ReportIdle = Report + 1;  // TASK_IDLE reported as I
    private const uint Idle = Uninterruptible | NoLoad;
    private static ReadOnlySpan<byte> Letters => "RSDTtXZPI"u8;

    public static byte From(uint state, uint exitState)
    {
        uint reported = (state | exitState) & Report;
        if ((state & Idle) == Idle) reported = ReportIdle;
        if ((state & RtLockWait) != 0 || (state & Frozen) != 0) reported = Uninterruptible;
        int index = reported == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount(reported); // fls()
        return index < Letters.Length ? Letters[index] : (byte)'?';
    }
}
