namespace Diag.Linux.Bpf;

/// <summary>Receives one ring buffer record in place: the span points into the mapped buffer and is valid only
/// during the call (copy what must outlive it).</summary>
internal delegate void BpfRecordHandler(ReadOnlySpan<byte> record);
