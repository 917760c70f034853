using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Stacks;

/// <summary>
/// Stops one thread at a time and copies what its stack needs, on the tracer thread that owns it (ptrace
/// binds a tracee to the thread that seized it). Per thread: PTRACE_SEIZE (no options: no event of the
/// thread is traced), PTRACE_INTERRUPT, waitpid on that thread alone (__WALL | __WNOTHREAD: the host's
/// own children are never reaped), PTRACE_GETREGSET, one process_vm_readv of its stack from the stack
/// pointer to the end of its mapping, PTRACE_DETACH — with the signal of a signal-delivery-stop handed
/// back, and a group-stopped thread left stopped. Unwinding and symbols come after the release.
/// </summary>
internal sealed unsafe class ThreadStopper
{
    private const int FallbackWindow = 64 * 1024;

    private readonly int _processId;
    private readonly StackSnapshot _stack;
    private readonly AddressSpace _space;
    private readonly TimeSpan _stopTimeout;

    private static int s_warmed;

    public ThreadStopper(int processId, StackSnapshot stack, AddressSpace space, TimeSpan stopTimeout)
    {
        _processId = processId;
        _stack = stack;
        _space = space;
        _stopTimeout = stopTimeout;
        WarmUp();
    }

    /// <summary>Runs every call of the stopped section once, on nothing, so that its first real use does not
    /// compile code (and marshalling stubs) while a thread waits: that made the first stop 0.4 ms.</summary>
    private void WarmUp()
    {
        if (Interlocked.Exchange(ref s_warmed, 1) != 0) return;
        Libc.UserRegisters registers;
        ReadRegisters(-1, &registers);
        _stack.Fill(Environment.ProcessId, (ulong)&registers, (ulong)&registers + 8);
        _space.Map.Find(0);
        Libc.Ptrace(Libc.PTRACE_DETACH, -1, 0, Libc.PtraceEvent(0) == 0 ? Libc.WStopSig(0) : 0);
        Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp());
    }

    /// <summary>Reads the thread's stat (and kernel stack), stops it, copies, releases it, then unwinds.</summary>
    public CapturedThread Capture(int tid, bool kernel, ThreadStopWaiter waiter, CancellationToken token)
    {
        var stat = TaskStatText.Read(_processId, tid);
        if (stat is not { } identity) return new CapturedThread { ThreadId = tid, Outcome = CaptureOutcome.Gone };
        // After the stop the kernel stack would only show ptrace_stop: read it first.
        var kernelStack = kernel ? TaskStatText.ReadKernelStack(_processId, tid) : null;
        var timestamp = DateTime.Now;

        if (Libc.Ptrace(Libc.PTRACE_SEIZE, tid, 0, 0) < 0)
        {
            var errno = Libc.LastErrno;
            if (errno == Errno.ESRCH) return new CapturedThread { ThreadId = tid, Outcome = CaptureOutcome.Gone };
            return new CapturedThread
            {
                ThreadId = tid, Name = identity.Name, State = identity.State, KernelStack = kernelStack,
                Outcome = CaptureOutcome.Refused, Failure = PtraceRefusal.Diagnose(tid, errno, wholeProcess: false, "stop"),
            };
        }
        Libc.Ptrace(Libc.PTRACE_INTERRUPT, tid, 0, 0); // ESRCH: it is exiting; waitpid reports that

        var stop = waiter.Wait(tid, _stopTimeout, token, out var status);
        if (stop == ThreadStopWaiter.Outcome.Exited) return new CapturedThread { ThreadId = tid, Outcome = CaptureOutcome.Gone };
        if (stop == ThreadStopWaiter.Outcome.TimedOut)
            return new CapturedThread
            {
                ThreadId = tid, Name = identity.Name, State = identity.State, KernelStack = kernelStack,
                Timestamp = timestamp, Outcome = CaptureOutcome.DidNotStop,
            };

        // Stopped: from here to PTRACE_DETACH is the time the thread does not run.
        var stoppedAt = Stopwatch.GetTimestamp();
        Libc.UserRegisters registers;
        var haveRegisters = ReadRegisters(tid, &registers);
        if (haveRegisters)
            _stack.Fill(tid, registers.Rsp, _space.Map.Find(registers.Rsp)?.End ?? registers.Rsp + FallbackWindow);
        // Only a signal-delivery-stop carries a signal to hand back; an interrupt or group stop has none.
        var inject = Libc.PtraceEvent(status) == 0 ? Libc.WStopSig(status) : 0;
        Libc.Ptrace(Libc.PTRACE_DETACH, tid, 0, inject);
        var stopDuration = Stopwatch.GetElapsedTime(stoppedAt);

        if (!haveRegisters) return new CapturedThread { ThreadId = tid, Outcome = CaptureOutcome.Gone };
        return new CapturedThread
        {
            ThreadId = tid,
            Name = identity.Name,
            State = identity.State,
            SyscallNumber = (long)registers.OrigRax,
            Unwind = StackUnwinder.Unwind(RegisterSet.FromUser(registers), _stack, _space),
            KernelStack = kernelStack,
            StopDuration = stopDuration,
            Timestamp = timestamp,
            Outcome = CaptureOutcome.Captured,
        };
    }

    private static bool ReadRegisters(int tid, Libc.UserRegisters* registers)
    {
        var vector = new Libc.IoVec { Base = registers, Length = (nuint)sizeof(Libc.UserRegisters) };
        // A 32-bit thread's register set is shorter: its stack is not walked (its frames are 32-bit).
        return Libc.Ptrace(Libc.PTRACE_GETREGSET, tid, Libc.NT_PRSTATUS, (nint)(&vector)) == 0
               && vector.Length == (nuint)sizeof(Libc.UserRegisters);
    }
}
