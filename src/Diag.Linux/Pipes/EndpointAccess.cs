namespace Diag.Linux.Pipes;

/// <summary>Which way a file descriptor moves data, from the mode it was opened with (lsof's r, w and u).</summary>
public enum EndpointAccess
{
    /// <summary>Opened with O_PATH: neither reads nor writes.</summary>
    None = 0,

    /// <summary>Read end (O_RDONLY).</summary>
    Read = 1,

    /// <summary>Write end (O_WRONLY).</summary>
    Write = 2,

    /// <summary>Both (O_RDWR; every socket).</summary>
    ReadWrite = 3,
}
