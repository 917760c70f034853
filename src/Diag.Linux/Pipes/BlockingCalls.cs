namespace Diag.Linux.Pipes;

/// <summary>
/// The x86_64 system calls that block on a pipe or socket descriptor named in an argument, which argument,
/// and which way (waiting for data, or for room). poll, select and epoll_wait wait on many descriptors
/// and name none, so they are not here.
/// </summary>
internal static class BlockingCalls
{
    /// <summary>A descriptor argument of a blocking call: its index, and Read or Write (None: the
    /// descriptor's own access decides, as for vmsplice).</summary>
    public readonly record struct FdArgument(int Index, EndpointAccess Direction);

    private static readonly Dictionary<int, FdArgument[]> ByNumber = new()
    {
        [0] = [new(0, EndpointAccess.Read)],      // read
        [1] = [new(0, EndpointAccess.Write)],     // write
        [19] = [new(0, EndpointAccess.Read)],     // readv
        [20] = [new(0, EndpointAccess.Write)],    // writev
        [40] = [new(0, EndpointAccess.Write), new(1, EndpointAccess.Read)], // sendfile(out, in)
        [44] = [new(0, EndpointAccess.Write)],    // sendto
        [45] = [new(0, EndpointAccess.Read)],     // recvfrom
        [46] = [new(0, EndpointAccess.Write)],    // sendmsg
        [47] = [new(0, EndpointAccess.Read)],     // recvmsg
        [275] = [new(0, EndpointAccess.Read), new(2, EndpointAccess.Write)], // splice(in, off, out, ...)
        [276] = [new(0, EndpointAccess.Read), new(1, EndpointAccess.Write)], // tee(in, out)
        [278] = [new(0, EndpointAccess.None)],    // vmsplice: into a write end, out of a read end
        [299] = [new(0, EndpointAccess.Read)],    // recvmmsg
        [307] = [new(0, EndpointAccess.Write)],   // sendmmsg
        [326] = [new(0, EndpointAccess.Read), new(2, EndpointAccess.Write)], // copy_file_range
        [327] = [new(0, EndpointAccess.Read)],    // preadv2 (offset -1 works on pipes)
        [328] = [new(0, EndpointAccess.Write)],   // pwritev2
    };

    /// <summary>The descriptor arguments of call <paramref name="number"/>, or empty.</summary>
    public static ReadOnlySpan<FdArgument> Of(int number) =>
        ByNumber.TryGetValue(number, out var arguments) ? arguments : ReadOnlySpan<FdArgument>.Empty;
}
