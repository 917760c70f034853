using System.Globalization;

namespace Diag.Linux.Privileges;

/// <summary>A process's user namespace: its inode, whether it is the machine's first one, and whom its root maps to.</summary>
internal readonly record struct ProcessNamespaceFacts(long? UserNamespace, bool? InInitialUserNamespace, uint? RootUid)
{
    /// <summary>PROC_USER_INIT_INO: the initial user namespace's inode number.</summary>
    private const long InitialUserNamespace = 0xEFFFFFFD;

    public static ProcessNamespaceFacts Read(int pid)
    {
        var proc = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        string? link;
        try
        {
            link = new FileInfo(proc + "/ns/user").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            link = null;
        }
        if (link is null || !link.StartsWith("user:[", StringComparison.Ordinal) ||
            !long.TryParse(link.AsSpan(6, link.Length - 7), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            return new ProcessNamespaceFacts(null, null, null);
        if (inode == InitialUserNamespace) return new ProcessNamespaceFacts(inode, true, null);
        uint? root = null;
        try
        {
            // uid_map lines: "inside outside count"; the line whose range holds uid 0.
            foreach (var line in File.ReadAllLines(proc + "/uid_map"))
            {
                var w = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (w.Length == 3 && w[0] == "0") root = uint.Parse(w[1], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return new ProcessNamespaceFacts(inode, false, root);
    }
}
