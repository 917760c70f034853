using Diag.Linux.Syscalls.Decoding;

namespace Diag.Linux.Exits;

/// <summary>A wait status word as waitpid(2) returns it and the kernel keeps it (task->exit_code): exit code in bits
/// 8-15, or the terminating signal in bits 0-6 with the core-dumped flag in bit 7.</summary>
internal readonly record struct WaitStatus(int Value)
{
    public bool Exited => (Value & 0x7f) == 0;
    public int ExitCode => (Value >> 8) & 0xff;
    public int Signal => Value & 0x7f;
    public bool CoreDumped => !Exited && (Value & 0x80) != 0;
    public string SignalName => SignalNames.Name(Signal);
}
