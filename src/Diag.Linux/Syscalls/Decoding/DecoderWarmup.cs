namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Compiles the decoders before a trace starts: every prototype decoded once at entry and at exit,
/// with memory that cannot be read and with memory that reads as zeros, for a success, an error and an
/// interruption. Without it the first calls and signals of the first trace in a process wait for the
/// JIT while their thread is stopped, and a standard signal sent meanwhile merges with the one it holds.
/// </summary>
internal static class DecoderWarmup
{
    private static readonly Lazy<bool> Done = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureCompiled() => _ = Done.Value;

    private static bool Run()
    {
        ulong[] arguments = [1, 0x1000, 1, 0x1000, 1, 0x1000];
        long[] returns = [0, 1, -4, -512];
        foreach (var memory in new ITraceeMemory[] { Unreadable.Instance, Zeros.Instance })
        {
            for (var number = 0; number <= SyscallTable.MaxNumber; number++)
            {
                if (SyscallSignatures.Get(number) is null)
                    continue;
                foreach (var returned in returns)
                {
                    var context = SyscallDecoder.Enter(number, arguments, memory, stackPointer: 0x1000);
                    SyscallDecoder.Exit(context, returned, completed: true, memory);
                }
            }
            SiginfoFormatter.Parse(new byte[SiginfoFormatter.Size]);
        }
        return true;
    }

    private sealed class Unreadable : ITraceeMemory
    {
        public static readonly Unreadable Instance = new();

        public int Read(ulong address, Span<byte> destination) => 0;
    }

    private sealed class Zeros : ITraceeMemory
    {
        public static readonly Zeros Instance = new();

        public int Read(ulong address, Span<byte> destination)
        {
            destination.Clear();
            return destination.Length;
        }
    }
}
