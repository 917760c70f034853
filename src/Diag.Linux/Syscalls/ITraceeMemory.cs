namespace Diag.Linux.Syscalls;

/// <summary>Read access to a traced process's memory (process_vm_readv, /proc/PID/mem, or a test buffer).</summary>
public interface ITraceeMemory
{
    /// <summary>Copies bytes from <paramref name="address"/> in the tracee; returns how many were copied
    /// (fewer at the end of a mapping, 0 when the address is unreadable). Never throws for bad addresses.</summary>
    int Read(ulong address, Span<byte> destination);
}
