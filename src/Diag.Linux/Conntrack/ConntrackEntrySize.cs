namespace Diag.Linux.Conntrack;

/// <summary>
/// How much memory one conntrack entry takes: the object size of the nf_conntrack slab cache in /proc/slabinfo (root
/// only), which is what raising nf_conntrack_max can cost per entry. Whether ctnetlink is a module that is not loaded,
/// so that asking it would load it (Diag never changes the system): /proc/modules lists loaded modules on a kernel
/// that has modules.
/// </summary>
internal static class ConntrackEntrySize
{
    /// <summary>Bytes per entry, or null when /proc/slabinfo cannot be read or has no nf_conntrack line.</summary>
    public static int? Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/slabinfo"))
            {
                // name active_objs num_objs objsize objperslab pagesperslab : …
                if (!line.StartsWith("nf_conntrack ", StringComparison.Ordinal)) continue;
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 3 && int.TryParse(fields[3], System.Globalization.CultureInfo.InvariantCulture, out int size) ? size : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>True when nf_conntrack is a loaded module and nf_conntrack_netlink is not: a ctnetlink request would make
    /// the kernel load it.</summary>
    public static bool CtnetlinkWouldLoad()
    {
        try
        {
            bool conntrack = false, netlink = false;
            foreach (var line in File.ReadLines("/proc/modules"))
            {
                if (line.StartsWith("nf_conntrack ", StringComparison.Ordinal)) conntrack = true;
                else if (line.StartsWith("nf_conntrack_netlink ", StringComparison.Ordinal)) netlink = true;
            }
            return conntrack && !netlink;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // no /proc/modules: a kernel without modules, where ctnetlink is built in or absent
        }
    }
}
