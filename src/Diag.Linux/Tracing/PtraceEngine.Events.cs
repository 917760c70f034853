using System.Globalization;
using System.Runtime.CompilerServices;
using Diag.Linux.Interop;
using Diag.Linux.Syscalls;
using Diag.Linux.Syscalls.Decoding;

namespace Diag.Linux.Tracing;

// Events: calls decoded at their entry and exit, signals as they are delivered, threads as they end.
internal sealed unsafe partial class PtraceEngine
{
    private DecodeContext? Enter(Tracee tracee, ulong stackPointer)
    {
        try
        {
            return SyscallDecoder.Enter(tracee.Number, tracee.Arguments, new TraceeMemory(tracee.ThreadId), stackPointer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            WarnDecoder(tracee, e);
            return null; // the raw registers are shown at exit
        }
    }

    private void Emit(Tracee tracee, long returnValue, long elapsedTicks, bool completed)
    {
        var call = Exit(tracee, returnValue, completed);
        var isError = completed && DecodeContext.IsError(returnValue);
        var argumentText = call.ArgumentText;
        var arguments = call.Arguments;
        if (tracee.Number == SysRestartSyscall)
        {
            // What the kernel resumes, the thread's previous call: strace's
            // restart_syscall(<... resuming interrupted nanosleep ...>).
            var resumed = tracee.PreviousNumber >= 0 ? SyscallTable.GetName(tracee.PreviousNumber) : "call";
            argumentText = "<... resuming interrupted " + resumed + " ...>";
            arguments = [];
        }
        var e = new SyscallEvent
        {
            Timestamp = TimestampOf(tracee.EntryTimestamp),
            ProcessId = tracee.ProcessId,
            ThreadId = tracee.CallThreadId,
            Syscall = SyscallTable.GetName(tracee.Number),
            Number = tracee.Number,
            Arguments = arguments,
            ArgumentText = argumentText,
            ReturnValue = completed ? returnValue : 0,
            ReturnText = call.ReturnText,
            Error = isError ? Errno.GetName((int)-returnValue) : null,
            Interrupted = call.Interrupted,
            Duration = SummaryBuilder.ToTimeSpan(elapsedTicks),
            Completed = completed,
        };
        Write(e);
        tracee.Decoding = null;
    }

    private DecodedCall Exit(Tracee tracee, long returnValue, bool completed)
    {
        var memory = new TraceeMemory(tracee.ThreadId);
        try
        {
            var decoding = tracee.Decoding ?? SyscallDecoder.Enter(tracee.Number, tracee.Arguments, memory);
            return SyscallDecoder.Exit(decoding, returnValue, completed, memory);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A decoder bug must not end the trace (and its detach); show the raw registers instead.
            WarnDecoder(tracee, e);
            var raw = new SyscallArgument[tracee.Arguments.Length];
            for (var i = 0; i < raw.Length; i++)
                raw[i] = new SyscallArgument("arg" + i.ToString(CultureInfo.InvariantCulture), tracee.Arguments[i],
                    "0x" + tracee.Arguments[i].ToString("x", CultureInfo.InvariantCulture));
            var returnText = !completed ? "?" : DecodeContext.IsError(returnValue) ? "-1" : returnValue.ToString(CultureInfo.InvariantCulture);
            return new DecodedCall(raw, SyscallDecoder.FormatArguments(raw), returnText, completed && DecodeContext.IsRestart(returnValue));
        }
    }

    private void WarnDecoder(Tracee tracee, Exception e)
    {
        if (_warnedDecoder)
            return;
        _warnedDecoder = true;
        _session.Notice(TraceNoticeKind.Warning, $"could not decode {SyscallTable.GetName(tracee.Number)} arguments: {e.Message}");
    }

    /// <summary>A call still in progress when its thread exits or the trace ends: an event marked not completed.</summary>
    private void FinishUnfinished(Tracee tracee, long now)
    {
        if (tracee.InSyscall && tracee.Counted)
        {
            _unfinishedCalls++;
            if (_collectEvents)
                Emit(tracee, 0, now - tracee.EntryTimestamp, completed: false);
        }
        tracee.InSyscall = false;
    }

    /// <summary>A signal-delivery-stop: the signal's siginfo is read, the signal handed back to the thread
    /// at once, and only then the event built.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnSignalDelivery(Tracee tracee, int signal, long now)
    {
        // A launched command's own stop and continue before its execve are the launcher's, not the command's.
        if (!_collectEvents || !_started)
        {
            Restart(tracee, Libc.PTRACE_SYSCALL, signal);
            return;
        }
        var siginfo = stackalloc byte[SiginfoFormatter.Size];
        var haveInfo = Libc.Ptrace(Libc.PTRACE_GETSIGINFO, tracee.ThreadId, 0, (nint)siginfo) == 0;
        Restart(tracee, Libc.PTRACE_SYSCALL, signal);
        var fields = haveInfo
            ? SiginfoFormatter.Parse(new ReadOnlySpan<byte>(siginfo, SiginfoFormatter.Size))
            : new SiginfoFields(signal, 0, "?", null, null, null, null, "{si_signo=" + SignalFormatter.Name(signal) + "}");
        Write(new SignalEvent
        {
            Timestamp = TimestampOf(now),
            ProcessId = tracee.ProcessId,
            ThreadId = tracee.ThreadId,
            Signal = SignalFormatter.Name(signal),
            SignalNumber = signal,
            Code = fields.CodeName,
            SenderProcessId = fields.SenderProcessId,
            SenderUserId = fields.SenderUserId,
            ChildStatus = fields.Status,
            FaultAddress = fields.Address,
            InfoText = fields.Text,
        });
    }

    /// <summary>strace's <c>--- stopped by SIGSTOP ---</c>.</summary>
    private void EmitStop(Tracee tracee, int signal, long now) =>
        Write(new SignalEvent
        {
            Timestamp = TimestampOf(now),
            ProcessId = tracee.ProcessId,
            ThreadId = tracee.ThreadId,
            Signal = SignalFormatter.Name(signal),
            SignalNumber = signal,
            Stopped = true,
        });

    /// <summary>strace's <c>+++ exited with 0 +++</c> / <c>+++ killed by SIGTERM (core dumped) +++</c>.</summary>
    private void EmitExit(Tracee tracee, int status, long now)
    {
        var exited = Libc.WIfExited(status);
        Write(new ExitEvent
        {
            Timestamp = TimestampOf(now),
            ProcessId = tracee.ProcessId,
            ThreadId = tracee.ThreadId,
            ExitCode = exited ? Libc.WExitStatus(status) : null,
            Signal = exited ? null : SignalFormatter.Name(Libc.WTermSig(status)),
            SignalNumber = exited ? null : Libc.WTermSig(status),
            CoreDumped = !exited && Libc.WCoreDump(status),
        });
    }

    private void Write(TraceEvent e)
    {
        if (!_session.TryWriteEvent(e))
            _droppedEvents.Add(e.TallyName);
    }

    private DateTime TimestampOf(long ticks) => _startTime + SummaryBuilder.ToTimeSpan(ticks - _startTimestamp);
}
