using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// A symbolic link on the way to the core directory that sits in a directory others can write: whoever can write
/// there can point the link anywhere, and the kernel follows directory links when it creates the core (only the
/// file itself is opened O_NOFOLLOW), so cores get redirected — into a directory of the attacker's choosing, or
/// onto a file another user owns. The kernel (and -Verify's probe) follow it too: the check shows where, and warns.
/// </summary>
internal sealed record CoreDirectoryRedirect(string Link, string Target, string Parent, uint ParentOwner, int ParentPermissions)
{
    /// <summary>The first component of <paramref name="relative"/> (a directory path under <paramref name="baseOnHost"/>,
    /// shown to the user as under <paramref name="shownBase"/>) that is a symbolic link in a directory writable by
    /// someone other than root and <paramref name="writerUid"/>; null when there is none.</summary>
    public static CoreDirectoryRedirect? Find(string baseOnHost, string shownBase, string relative, uint writerUid)
    {
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string hostParent = baseOnHost.TrimEnd('/'), shownParent = shownBase.TrimEnd('/');
        foreach (var part in parts)
        {
            if (part is "." or "..") return null; // the kernel resolves these; not a planted link
            var hostPath = hostParent + "/" + part;
            var shownPath = shownParent + "/" + part;
            if (MachineRoot.Stat(hostPath, out _, ofLink: true) is not { } item) return null;
            if (item.IsSymbolicLink && MachineRoot.Stat(hostParent.Length == 0 ? "/" : hostParent, out _) is { } parent
                && WritableByOthers(parent, writerUid))
            {
                string target;
                try
                {
                    target = new FileInfo(hostPath).LinkTarget ?? "?";
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    target = "?";
                }
                return new CoreDirectoryRedirect(shownPath, target, shownParent.Length == 0 ? "/" : shownParent, parent.Uid, parent.Permissions);
            }
            hostParent = hostPath;
            shownParent = shownPath;
        }
        return null;
    }

    /// <summary>World-writable, or owned by or group-writable for a user other than root and the one dumping.</summary>
    private static bool WritableByOthers(FileIdentity directory, uint writerUid) =>
        (directory.Permissions & 0x2) != 0
        || directory.Uid != 0 && directory.Uid != writerUid
        || (directory.Permissions & 0x10) != 0 && directory.Gid != 0;

    /// <summary>What the check says.</summary>
    public string Describe() =>
        $"{Link} is a symbolic link (to {Target}) in {Parent}, a directory others can write (owner {ParentOwner.ToString(CultureInfo.InvariantCulture)}, " +
        $"mode {Convert.ToString(ParentPermissions, 8).PadLeft(4, '0')}): whoever writes there decides where cores go, and the kernel follows the link";
}
