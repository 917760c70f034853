using Diag.Linux.Interop;

namespace Diag.Linux.Privileges;

/// <summary>What reading one file's capabilities gave: the capabilities, none (the usual case), or why not.</summary>
public readonly record struct FileCapabilityResult(string Path, FileCapability? Capability, string? Problem, bool NotFound = false);

/// <summary>
/// Reads files' security.capability attributes (lgetxattr: a symlink has none of its own and is not followed, as
/// getcap -r does not follow links), one path or a whole tree, yielding only files that have capabilities, as getcap -r
/// prints only those.
/// </summary>
public static class FileCapabilityReader
{
    private const string Attribute = "security.capability";

    /// <summary>One path: its capabilities, null Capability when it has none, or a problem.</summary>
    public static unsafe FileCapabilityResult Read(string path)
    {
        Span<byte> buffer = stackalloc byte[64];
        nint length;
        fixed (byte* b = buffer) length = Libc.LGetXattr(path, Attribute, b, (nuint)buffer.Length);
        if (length < 0)
        {
            int errno = Libc.LastErrno;
            return errno switch
            {
                Libc.ENODATA or Errno.EOPNOTSUPP => new FileCapabilityResult(path, null, null),
                Errno.ENOENT or Errno.ENOTDIR => new FileCapabilityResult(path, null, $"Cannot find path '{path}'.", NotFound: true),
                _ => new FileCapabilityResult(path, null, $"Cannot read the capabilities of {path}: {Errno.GetDescription(errno)}."),
            };
        }
        var data = FileCapabilityData.Decode(buffer[..(int)length]);
        return data is null
            ? new FileCapabilityResult(path, null, $"{path} has a security.capability attribute of {length} bytes that is no revision the kernel writes.")
            : new FileCapabilityResult(path, new FileCapability(path, data.Value), null);
    }

    /// <summary>Every file with capabilities under <paramref name="directory"/> (getcap -r), in directory order; an
    /// unreadable directory is a problem, and the walk goes on.</summary>
    public static IEnumerable<FileCapabilityResult> ReadTree(string directory, CancellationToken cancel)
    {
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            var current = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            var problems = new List<FileCapabilityResult>();
            try
            {
                entries = new DirectoryInfo(current).EnumerateFileSystemInfos("*", new EnumerationOptions
                {
                    RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false,
                }).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add(new FileCapabilityResult(current, null, $"Cannot list {current}: {e.Message}"));
                entries = [];
            }
            foreach (var p in problems) yield return p;
            var subdirectories = new List<string>();
            foreach (var entry in entries)
            {
                if (entry.LinkTarget is not null) continue; // symlinks: no capabilities of their own, never followed
                if (entry is DirectoryInfo) subdirectories.Add(entry.FullName);
                else
                {
                    var result = Read(entry.FullName);
                    if (result.Capability is not null || (result.Problem is not null && !result.NotFound)) yield return result;
                }
            }
            for (int i = subdirectories.Count - 1; i >= 0; i--) pending.Push(subdirectories[i]);
        }
    }
}
