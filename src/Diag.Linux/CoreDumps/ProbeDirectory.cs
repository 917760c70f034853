using Diag.Linux.Interop;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// A directory held open across a probe, so that its listing and the deletion of the probe's core do not depend
/// on the target still running (the directory is reached through /proc/PID/cwd or /proc/PID/root). Entries are
/// reached through /proc/self/fd/N.
/// </summary>
internal sealed class ProbeDirectory : IDisposable
{
    private readonly SafeFileDescriptor _fd;

    private ProbeDirectory(SafeFileDescriptor fd) => _fd = fd;

    /// <summary>Opens a directory; null (with the errno) when it cannot be.</summary>
    public static ProbeDirectory? Open(string hostPath, out int errno)
    {
        var fd = Libc.OpenHandle(hostPath, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        errno = fd.IsInvalid ? Libc.LastErrno : 0;
        if (!fd.IsInvalid) return new ProbeDirectory(fd);
        fd.Dispose();
        return null;
    }

    private string Self => "/proc/self/fd/" + _fd.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public HashSet<string> Names()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(Self).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>The size of an ELF core file (ET_CORE) of that name; null when it is not one.</summary>
    public long? CoreFileSize(string name) => CoreFileBytes(Self + "/" + name);

    public bool Delete(string name) => DeleteEntry(Self + "/" + name);

    /// <summary>Reads the ELF header of a file: a core file has e_type ET_CORE (4).</summary>
    public static long? CoreFileBytes(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[18];
            if (RandomAccess.Read(handle, header, 0) < header.Length) return null;
            if (!header[..4].SequenceEqual("\u007FELF"u8) || header[16] != 4 || header[17] != 0) return null;
            return RandomAccess.GetLength(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool DeleteEntry(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _fd.Dispose();
    }
}
