using Diag.Linux.ProcFs;

namespace Diag.Linux.Privileges;

/// <summary>
/// What the kernel grants at execve (man 7 capabilities, "Transformation of capabilities during execve"), for a
/// thread with sets P running a file with capabilities F:
/// <code>
/// P'(ambient)     = file is privileged ? 0 : P(ambient)
/// P'(permitted)   = (P(inheritable) &amp; F(inheritable)) | (F(permitted) &amp; P(bounding)) | P'(ambient)
/// P'(effective)   = F(effective) ? P'(permitted) : P'(ambient)
/// P'(inheritable) = P(inheritable);  P'(bounding) = P(bounding)
/// </code>
/// Root (a real or effective uid of 0, unless SECBIT_NOROOT) is treated as if the file had every capability in its
/// permitted and inheritable sets, and an effective uid of 0 as if its effective flag were set. Under no_new_privs (and
/// on a nosuid mount, which this does not model) file capabilities give nothing beyond what the thread had. A file is
/// "privileged" when it has capabilities or is set-user-ID/set-group-ID; an unprivileged exec keeps the ambient set.
/// A file with the effective flag whose permitted capabilities would not all be granted (the bounding set lacks one)
/// is refused with EPERM: a "capability-dumb" program would otherwise run without what it assumes it has.
/// </summary>
internal static class ExecCapabilities
{
    public const ulong All = ulong.MaxValue;

    /// <param name="before">The thread's sets before exec.</param>
    /// <param name="file">The program's capabilities; null for none.</param>
    /// <param name="noRoot">SECBIT_NOROOT: root gets no special treatment.</param>
    /// <returns>The sets after exec; null when the kernel refuses the exec (EPERM).</returns>
    public static CapabilitySets? After(CapabilitySets before, FileCapabilityData? file, bool noRoot = false)
    {
        if (file is { Effective: true } f && !(noRoot is false && (before.RealUid == 0 || before.EffectiveUid == 0)) &&
            (f.Permitted & ~((before.Bounding & f.Permitted) | (before.Inheritable & f.Inheritable)) & KnownMask) != 0)
            return null;
        ulong fPermitted = file?.Permitted ?? 0, fInheritable = file?.Inheritable ?? 0;
        bool fEffective = file?.Effective ?? false;
        bool root = !noRoot && (before.RealUid == 0 || before.EffectiveUid == 0);
        if (root)
        {
            fPermitted = fInheritable = All;
            if (before.EffectiveUid == 0) fEffective = true;
        }
        bool privileged = file is not null || root;
        ulong ambient = privileged ? 0 : before.Ambient;
        ulong permitted = (before.Inheritable & fInheritable) | (fPermitted & before.Bounding) | ambient;
        if (before.NoNewPrivs && !root)
        {
            // no_new_privs: nothing beyond what the thread already had.
            permitted &= before.Permitted | ambient;
        }
        permitted &= KnownMask;
        ulong effective = fEffective ? permitted : ambient;
        return before with { Permitted = permitted, Effective = effective, Ambient = ambient };
    }

    /// <summary>The bits of the capabilities this kernel has (cap_last_cap).</summary>
    public static ulong KnownMask { get; } = ReadKnownMask();

    private static ulong ReadKnownMask()
    {
        try
        {
            int last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            return last >= 63 ? All : (1UL << (last + 1)) - 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (1UL << (Capabilities.LastNamed + 1)) - 1;
        }
    }
}
