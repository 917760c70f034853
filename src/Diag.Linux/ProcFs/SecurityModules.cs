namespace Diag.Linux.ProcFs;

/// <summary>
/// The Linux security modules active on this machine (/sys/kernel/security/lsm) and whether this process is confined
/// by one (SELinux enforcing, an AppArmor profile), so that a refusal blames a security module only when one is there
/// and says what was looked at otherwise.
/// </summary>
internal static class SecurityModules
{
    /// <summary>The active modules that can deny an operation on their own terms (not capability, Yama or lockdown, which
    /// callers check apart); null when securityfs is not mounted and they cannot be listed.</summary>
    public static IReadOnlyList<string>? Active()
    {
        try
        {
            return File.ReadAllText("/sys/kernel/security/lsm").Trim().Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(m => m is not ("capability" or "yama" or "lockdown")).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"SELinux (enforcing, context …)" or "the AppArmor profile …" when this process is confined; null otherwise.</summary>
    public static string? ConfinementOfThisProcess()
    {
        if (FirstLine("/sys/fs/selinux/enforce") == "1")
            return $"SELinux (enforcing, context {FirstLine("/proc/self/attr/current") ?? "unknown"})";
        var profile = FirstLine("/proc/self/attr/apparmor/current")
                      ?? (Directory.Exists("/sys/kernel/security/apparmor") ? FirstLine("/proc/self/attr/current") : null);
        return profile is null || profile.StartsWith("unconfined", StringComparison.Ordinal) ? null : $"the AppArmor profile {profile}";
    }

    /// <summary>The end of an "unknown cause" message: which modules might deny it, or that none could / none can be listed.</summary>
    public static string Suspects(IReadOnlyList<string>? active) => active switch
    {
        { Count: > 0 } => $"a security module may deny it (active: {string.Join(", ", active)}): see the kernel log (journalctl -k)",
        { Count: 0 } => "no security module that could deny it is active",
        null => "the active security modules cannot be listed here (securityfs is not mounted on /sys/kernel/security)",
    };

    private static string? FirstLine(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim('\0', '\n', ' ');
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
