using System.Globalization;

namespace Diag.Linux.Pipes;

/// <summary>One file descriptor at the other end of a pipe or socket: who holds it and which way it moves data.</summary>
public sealed class PipePeer
{
    /// <summary>Process that holds the descriptor.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>Its name (comm, or the untruncated executable name as Get-Process shows it).</summary>
    public string ProcessName { get; internal init; } = "";

    /// <summary>The descriptor number in that process.</summary>
    public int FileDescriptor { get; internal init; }

    /// <summary>Read, Write or ReadWrite, from the mode the descriptor was opened with.</summary>
    public string Access => AccessValue.ToString();

    internal EndpointAccess AccessValue { get; init; }

    /// <summary>"2509 php 1066r": PID, name, and the descriptor with lsof's access letter.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ProcessId} {ProcessName} {FileDescriptor}{AccessLetter(AccessValue)}");

    internal static char AccessLetter(EndpointAccess access) => access switch
    {
        EndpointAccess.Read => 'r',
        EndpointAccess.Write => 'w',
        EndpointAccess.ReadWrite => 'u',
        _ => ' ',
    };
}
