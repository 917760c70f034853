using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// The file tree the checklist reads: "/" on a real machine, or a fixture directory holding proc/sys, etc and
/// proc/PID files for configurations a test machine does not have. Every read is a small file read whole;
/// a file that is missing, unreadable or gone (a process that exited) reads as null, never an exception.
/// </summary>
internal sealed class MachineRoot
{
    public MachineRoot(string root, bool? canRaiseHardLimits = null)
    {
        Root = root.Length > 1 ? root.TrimEnd('/') : "/";
        CanRaiseHardLimits = canRaiseHardLimits ?? (!IsLive || ProcFs.Capabilities.Holds(ProcFs.Capabilities.CapSysResource));
    }

    /// <summary>Whether this session may raise another process's hard limits (CAP_SYS_RESOURCE; a root in a container,
    /// or a service without the capability, may not), so that a remedy says only what will work from here.</summary>
    public bool CanRaiseHardLimits { get; }

    /// <summary>"/" or the fixture directory.</summary>
    public string Root { get; }

    /// <summary>True for the real machine: only there can a probe run or /proc/self be compared.</summary>
    public bool IsLive => Root == "/";

    /// <summary>An absolute path of the machine as a path on this one.</summary>
    public string PathOf(string absolute) => IsLive ? absolute : Root + absolute;

    public string ProcPath(int pid, string leaf) => PathOf("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/" + leaf);

    public string? ReadText(string absolute) => ReadHostText(PathOf(absolute));

    /// <summary>Reads a path already mapped to this machine (a /proc/PID/root/... path, a fixture path).</summary>
    public static string? ReadHostText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first line of a small file, trimmed; null when it cannot be read.</summary>
    public string? ReadLine(string absolute)
    {
        var text = ReadText(absolute);
        if (text is null) return null;
        int eol = text.IndexOf('\n');
        return (eol < 0 ? text : text[..eol]).Trim();
    }

    /// <summary>A decimal number file such as /proc/sys/kernel/core_uses_pid.</summary>
    public long? ReadNumber(string absolute) =>
        long.TryParse(ReadLine(absolute), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public string? ReadLink(string absolute) => ReadHostLink(PathOf(absolute));

    public static string? ReadHostLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public bool FileExists(string absolute) => File.Exists(PathOf(absolute));

    public bool DirectoryExists(string absolute) => Directory.Exists(PathOf(absolute));

    /// <summary>The files of a directory matching a pattern, sorted by name; empty when it does not exist.</summary>
    public IReadOnlyList<string> ListFiles(string absolute, string pattern)
    {
        var directory = PathOf(absolute);
        if (!Directory.Exists(directory)) return [];
        try
        {
            var files = Directory.GetFiles(directory, pattern);
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Owner, group and mode of a path (following symlinks, unless <paramref name="ofLink"/>: then of a last
    /// component that is a link itself), or null with the errno.</summary>
    public static unsafe FileIdentity? Stat(string hostPath, out int errno, bool ofLink = false)
    {
        Libc.Statx buffer;
        var flags = Libc.AT_STATX_SYNC_AS_STAT | (ofLink ? Libc.AT_SYMLINK_NOFOLLOW : 0);
        if (Libc.StatxPath(hostPath, flags, Libc.STATX_BASIC_STATS, &buffer) != 0)
        {
            errno = Libc.LastErrno;
            return null;
        }
        errno = 0;
        return new FileIdentity(buffer.Uid, buffer.Gid, buffer.Mode, (long)buffer.Size, buffer.ModifySeconds);
    }
}

/// <summary>What statx says of a file.</summary>
internal readonly record struct FileIdentity(uint Uid, uint Gid, ushort Mode, long Size, long ModifiedSeconds)
{
    public bool IsDirectory => (Mode & Libc.S_IFMT) == Libc.S_IFDIR;
    public bool IsRegularFile => (Mode & Libc.S_IFMT) == Libc.S_IFREG;
    public bool IsSymbolicLink => (Mode & Libc.S_IFMT) == Libc.S_IFLNK;
    public int Permissions => Mode & 0xFFF;
}
