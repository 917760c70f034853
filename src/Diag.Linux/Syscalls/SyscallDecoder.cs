using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.Syscalls.Decoding;

namespace Diag.Linux.Syscalls;

/// <summary>
/// Decodes syscall arguments and return values into strace-like text: flags as names
/// (<c>PROT_READ|PROT_WRITE</c>), paths and short buffers read from the tracee's memory, sockaddrs
/// as addresses. Syscalls without a known prototype show their raw arguments in hex.
/// </summary>
public static class SyscallDecoder
{
    private const int MaxArguments = 6;

    /// <summary>True for calls whose arguments must be read at syscall entry because a successful call
    /// replaces the memory they point into (execve, execveat).</summary>
    public static bool DecodesAtEntry(int number) => number is SyscallNumbers.Execve or SyscallNumbers.Execveat;

    /// <summary>
    /// Decodes the arguments of one call. <paramref name="args"/> are the six argument registers;
    /// <paramref name="completed"/> is false when the call never returned (exit_group, or the trace
    /// ended mid-call); <paramref name="returnValue"/> is raw rax (negative errno on failure). Output
    /// buffers (read, recvfrom, getcwd, readlink...) are shown only after a successful return.
    /// </summary>
    public static SyscallArgument[] Decode(int number, ReadOnlySpan<ulong> args, long returnValue, bool completed, ITraceeMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var context = new DecodeContext(args, returnValue, completed, memory);
        var parameters = SyscallSignatures.Get(number);
        if (parameters is null)
            return Raw(number, context);
        var decoded = new List<SyscallArgument>(parameters.Length);
        for (var i = 0; i < parameters.Length; i++)
        {
            var value = context.Arguments[i];
            var text = ArgumentFormatter.Format(parameters[i], value, context);
            if (text is not null)
                decoded.Add(new SyscallArgument(parameters[i].Name, value, text));
        }
        return decoded.ToArray();
    }

    /// <summary>The argument texts joined strace-style, without names: <c>NULL, 4096, PROT_READ, ...</c>.</summary>
    public static string FormatArguments(IReadOnlyList<SyscallArgument> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Join(", ", arguments.Select(a => a.Text));
    }

    /// <summary>The return value: addresses in hex for mmap, brk, mremap and shmat, decimal otherwise
    /// (errors stay a plain negative number; naming the errno is the caller's job).</summary>
    public static string FormatReturnValue(int number, long returnValue)
    {
        var returnsAddress = number is SyscallNumbers.Mmap or SyscallNumbers.Brk or SyscallNumbers.Mremap or SyscallNumbers.Shmat;
        return returnsAddress && !DecodeContext.IsError(returnValue)
            ? "0x" + ((ulong)returnValue).ToString("x", CultureInfo.InvariantCulture)
            : returnValue.ToString(CultureInfo.InvariantCulture);
    }

    private static SyscallArgument[] Raw(int number, DecodeContext context)
    {
        var count = SyscallTable.GetArgumentCount(number);
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
}
