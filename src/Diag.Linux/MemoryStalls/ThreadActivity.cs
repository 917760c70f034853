using Diag.Linux.Netlink;

namespace Diag.Linux.MemoryStalls;

/// <summary>One thread's fault counters (/proc/PID/task/TID/stat) and, with delay accounting, its taskstats delays, at one moment.</summary>
internal readonly record struct ThreadActivity(int ProcessId, int ThreadId, string ThreadName, bool IsKernelThread, long MajorFaults, TaskAccounting? Delays);
