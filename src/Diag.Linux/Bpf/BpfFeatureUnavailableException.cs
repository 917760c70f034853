namespace Diag.Linux.Bpf;

/// <summary>
/// Something a program or link needs is not on this machine: a kernel feature that is compiled out (kprobes,
/// fprobe), a file system that is not mounted (tracefs), a tracepoint or function this kernel lacks. The message
/// says exactly what is missing and where it was looked for; <see cref="Remedy"/> what to do about it.
/// </summary>
internal sealed class BpfFeatureUnavailableException : InvalidOperationException
{
    public BpfFeatureUnavailableException(string message, string remedy, Exception? inner = null)
        : base(message, inner) => Remedy = remedy;

    public string Remedy { get; }
}
