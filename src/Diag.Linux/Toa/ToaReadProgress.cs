namespace Diag.Linux.Toa;

/// <summary>How far a <see cref="ToaCaptureReader"/> has read its file: yielded between TOAs so that
/// the caller can show progress and stop.</summary>
public sealed class ToaReadProgress
{
    private readonly ToaCaptureReader _reader;

    internal ToaReadProgress(ToaCaptureReader reader) => _reader = reader;

    /// <summary>File offset reached.</summary>
    public long Position => _reader.Position;

    /// <summary>File size (0 when unknown).</summary>
    public long Length => _reader.Length;

    /// <summary>Packets read.</summary>
    public long Packets => _reader.Packets;

    /// <summary>True while the input is a FIFO that no program has written to yet.</summary>
    public bool WaitingForWriter => _reader.WaitingForWriter;
}
