using System.Globalization;
using Diag.Linux.Syscalls.Decoding;

namespace Diag.Linux.Syscalls;

/// <summary>
/// Decodes syscall arguments and return values into strace-like text: flags and constants as names
/// (<c>PROT_READ|PROT_WRITE</c>, <c>TCGETS</c>, <c>PR_SET_NAME</c>), paths, buffers and structures read
/// from the tracee's memory (<c>{st_mode=S_IFREG|0644, st_size=1234, ...}</c>), sockaddrs as addresses.
/// A call is decoded in two steps, as strace does: <see cref="Enter"/> at its entry stop reads what the
/// program passed, <see cref="Exit"/> at its exit stop what the kernel filled in. Syscalls without a
/// known prototype show their raw arguments in hex.
/// </summary>
public static class SyscallDecoder
{
    private const int MaxArguments = 6;
    private static readonly int RtSigreturn = SyscallTable.TryGetNumber("rt_sigreturn", out var n) ? n : -1;

    /// <summary>Decodes a call's inputs at its entry stop (the tracee stopped, its memory as the program
    /// left it). The result is handed to <see cref="Exit"/> at the exit stop.</summary>
    internal static DecodeContext Enter(int number, ReadOnlySpan<ulong> args, ITraceeMemory memory, ulong stackPointer = 0)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var context = new DecodeContext(number, args, memory, stackPointer);
        if (SyscallSignatures.Get(number) is { } parameters)
            for (var i = 0; i < parameters.Length; i++)
                context.EntryTexts[i] = ArgumentFormatter.AtEntry(parameters[i], Register(parameters[i], i), context);
        if (number == RtSigreturn)
            // It takes no argument; strace shows the mask it restores, from the signal frame on the stack.
            context.SavedForReturn = SignalStructFormatter.ReadSigreturnMask(memory, stackPointer);
        return context;
    }

    /// <summary>Finishes a call at its exit stop: <paramref name="completed"/> is false when it never returned
    /// (exit_group, or the trace or thread ended mid-call); <paramref name="returnValue"/> is raw rax
    /// (negative errno on failure). Outputs are shown only after a successful return.</summary>
    internal static DecodedCall Exit(DecodeContext context, long returnValue, bool completed, ITraceeMemory memory)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Exit(returnValue, completed, memory);
        var parameters = SyscallSignatures.Get(context.Number);
        SyscallArgument[] arguments;
        if (parameters is null)
        {
            arguments = Raw(context);
        }
        else
        {
            var decoded = new List<SyscallArgument>(parameters.Length);
            for (var i = 0; i < parameters.Length; i++)
            {
                var register = Register(parameters[i], i);
                var text = context.EntryTexts[i];
                if (ReferenceEquals(text, ArgumentFormatter.Deferred))
                    text = ArgumentFormatter.AtExit(parameters[i], register, context);
                if (text is not null)
                    decoded.Add(new SyscallArgument(parameters[i].Name, context.Arguments[register], text, parameters[i].Named));
            }
            if (context.SavedForReturn is string frame && context.Number == RtSigreturn && frame.Length > 0)
                decoded.Add(new SyscallArgument("frame", context.StackPointer, frame));
            arguments = decoded.ToArray();
        }
        return new DecodedCall(arguments, FormatArguments(arguments), ReturnFormatter.Format(context), context.Interrupted);
    }

    /// <summary>
    /// Decodes the arguments of one call whose memory is the same at entry and exit (a test buffer, a
    /// stopped process): <paramref name="args"/> are the six argument registers; <paramref name="completed"/>
    /// is false when the call never returned; <paramref name="returnValue"/> is raw rax.
    /// </summary>
    public static SyscallArgument[] Decode(int number, ReadOnlySpan<ulong> args, long returnValue, bool completed, ITraceeMemory memory) =>
        Exit(Enter(number, args, memory), returnValue, completed, memory).Arguments;

    /// <summary>The argument texts joined strace-style: <c>NULL, 4096, PROT_READ, ...</c>; clone's as
    /// <c>child_stack=NULL, flags=...</c>.</summary>
    public static string FormatArguments(IReadOnlyList<SyscallArgument> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Join(", ", arguments.Select(a => a.ShowsName ? a.Name + "=" + a.Text : a.Text));
    }

    /// <summary>The return value as strace prints it when no memory needs reading: hex for mmap, brk,
    /// mremap and shmat, octal for umask, decimal otherwise (errors stay a plain negative number).</summary>
    public static string FormatReturnValue(int number, long returnValue)
    {
        if (DecodeContext.IsError(returnValue))
            return returnValue.ToString(CultureInfo.InvariantCulture);
        var context = Enter(number, [], NoMemory.Instance);
        context.Exit(returnValue, completed: true, NoMemory.Instance);
        return ReturnFormatter.Format(context);
    }

    private static int Register(SyscallParameter parameter, int position) =>
        parameter.Register >= 0 ? parameter.Register : position;

    private static SyscallArgument[] Raw(DecodeContext context)
    {
        var count = SyscallTable.GetArgumentCount(context.Number);
        if (count < 0)
            count = MaxArguments;
        var raw = new SyscallArgument[count];
        for (var i = 0; i < count; i++)
        {
            var value = context.Arguments[i];
            raw[i] = new SyscallArgument("arg" + i.ToString(CultureInfo.InvariantCulture), value, NumberText.Hex(value));
        }
        return raw;
    }

    private sealed class NoMemory : ITraceeMemory
    {
        public static readonly NoMemory Instance = new();

        public int Read(ulong address, Span<byte> destination) => 0;
    }
}

/// <summary>A decoded call: its arguments, their strace text, and the return value's text.</summary>
internal sealed record DecodedCall(SyscallArgument[] Arguments, string ArgumentText, string ReturnText, bool Interrupted);
