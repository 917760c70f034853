using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Stacks;

/// <summary>
/// Opens the file behind a mapping as the target process sees it, not as the path reads on the host:
/// first /proc/PID/map_files/START-END, which is the mapped inode itself (a binary deleted or upgraded
/// since it started, a file in another mount namespace; needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE),
/// then the path under /proc/PID/root (a container's filesystem), then the path itself. A file reached by
/// path is used only when its inode is the mapped one.
/// </summary>
internal static class ModuleFileOpener
{
    /// <summary>Test hook: skip map_files, as for a caller without the capability.</summary>
    internal static bool UseMapFiles { get; set; } = true;

    /// <summary>The open file and the host path it was opened by (for tools that take a path, as libdw).</summary>
    public static SafeFileHandle? Open(int pid, MemoryMapping mapping, out string openedPath)
    {
        var process = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        openedPath = $"{process}/map_files/{mapping.MapFilesName}";
        if (UseMapFiles && TryOpen(openedPath) is { } mapped)
            return mapped;
        if (!mapping.IsDeleted)
        {
            foreach (var path in new[] { process + "/root" + mapping.FilePath, mapping.FilePath })
            {
                if (TryOpen(path) is not { } handle) continue;
                openedPath = path;
                if (FileIdentity.Of(handle) is { } identity && identity.Inode == mapping.Inode) return handle;
                handle.Dispose(); // same path, another file: replaced since it was mapped, or another namespace's
            }
        }
        openedPath = "";
        return null;
    }

    private static SafeFileHandle? TryOpen(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
