using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

// Syscall events: decoding arguments and writing them to the session.
internal sealed unsafe partial class PtraceEngine
{
    private void Emit(Tracee tracee, long returnValue, long elapsedTicks, bool completed)
    {
        var arguments = tracee.EntryArguments ?? Decode(tracee, returnValue, completed);
        var isError = completed && returnValue is < 0 and >= -4095;
        var e = new SyscallEvent
        {
            Timestamp = _startTime + SummaryBuilder.ToTimeSpan(tracee.EntryTimestamp - _startTimestamp),
            ProcessId = tracee.ProcessId,
            ThreadId = tracee.CallThreadId,
            Syscall = SyscallTable.GetName(tracee.Number),
            Number = tracee.Number,
            Arguments = arguments,
            ArgumentText = SyscallDecoder.FormatArguments(arguments),
            ReturnValue = completed ? returnValue : 0,
            ReturnText = !completed ? "?" : isError ? "-1" : SyscallDecoder.FormatReturnValue(tracee.Number, returnValue),
            Error = isError ? Errno.GetName((int)-returnValue) : null,
            Duration = SummaryBuilder.ToTimeSpan(elapsedTicks),
            Completed = completed,
        };
        if (!_session.TryWriteEvent(e))
            _droppedEvents.Add(e.Syscall);
        tracee.EntryArguments = null;
    }

    private SyscallArgument[] Decode(Tracee tracee, long returnValue, bool completed)
    {
        try
        {
            return SyscallDecoder.Decode(tracee.Number, tracee.Arguments, returnValue, completed, new TraceeMemory(tracee.ThreadId));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A decoder bug must not end the trace (and its detach); show the raw registers instead.
            if (!_warnedDecoder)
            {
                _warnedDecoder = true;
                _session.Notice(TraceNoticeKind.Warning, $"could not decode {SyscallTable.GetName(tracee.Number)} arguments: {e.Message}");
            }
            var raw = new SyscallArgument[tracee.Arguments.Length];
            for (var i = 0; i < raw.Length; i++)
                raw[i] = new SyscallArgument("arg" + i.ToString(CultureInfo.InvariantCulture), tracee.Arguments[i],
                    "0x" + tracee.Arguments[i].ToString("x", CultureInfo.InvariantCulture));
            return raw;
        }
    }

    /// <summary>A call still in progress when its thread exits or the trace ends: an event marked not completed.</summary>
    private void FinishUnfinished(Tracee tracee, long now)
    {
        if (tracee.InSyscall && tracee.Counted && _collectEvents)
            Emit(tracee, 0, now - tracee.EntryTimestamp, completed: false);
        tracee.InSyscall = false;
    }
}
