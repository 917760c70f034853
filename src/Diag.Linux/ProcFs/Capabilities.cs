using System.Globalization;

namespace Diag.Linux.ProcFs;

/// <summary>Capability numbers and names (linux/capability.h; the one table of them), and this thread's effective set, read from
/// <c>/proc/thread-self/status</c> (CapEff). A set is a bit mask: bit N is capability N.</summary>
public static class Capabilities
{
    public const int CapDacOverride = 1, CapSetGid = 6, CapSetUid = 7, CapNetAdmin = 12, CapSysChroot = 18,
        CapSysPtrace = 19, CapSysAdmin = 21, CapSysResource = 24, CapPerfmon = 38, CapBpf = 39;

    /// <summary>Whether <paramref name="set"/> holds <paramref name="capability"/>.</summary>
    public static bool Has(ulong set, int capability) => (set & (1UL << capability)) != 0;

    /// <summary>The calling thread's effective capabilities; 0 when they cannot be read.</summary>
    public static ulong EffectiveOfThisThread()
    {
        try
        {
            return StatusText.Hex(StatusText.ValueOf(File.ReadAllBytes("/proc/thread-self/status"), "\nCapEff:"u8));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Whether the calling thread holds <paramref name="capability"/> now.</summary>
    public static bool Holds(int capability) => Has(EffectiveOfThisThread(), capability);

    public const int CapNetRaw = 13;

    /// <summary>Every capability the kernel defines, by number (linux/capability.h up to CAP_CHECKPOINT_RESTORE, 5.9),
    /// as getcap and capsh spell them; bits a newer kernel adds are named by number.</summary>
    private static readonly string[] Names =
    [
        "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid",
        "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast", "cap_net_admin", "cap_net_raw",
        "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct",
        "cap_sys_admin", "cap_sys_boot", "cap_sys_nice", "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod",
        "cap_lease", "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin", "cap_syslog",
        "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf", "cap_checkpoint_restore",
    ];

    /// <summary>The highest capability this table names.</summary>
    public static int LastNamed => Names.Length - 1;

    /// <summary>A capability as <c>man 7 capabilities</c> names it, for messages (CAP_NET_RAW).</summary>
    public static string NameOf(int capability) =>
        capability >= 0 && capability < Names.Length ? Names[capability].ToUpperInvariant() : "capability " + capability.ToString(CultureInfo.InvariantCulture);

    /// <summary>A capability as getcap prints it (cap_net_raw; a number for a bit this table does not name).</summary>
    public static string TextNameOf(int capability) =>
        capability >= 0 && capability < Names.Length ? Names[capability] : capability.ToString(CultureInfo.InvariantCulture);

    /// <summary>A capability from any spelling a person uses: cap_net_raw, CAP_NET_RAW, NET_RAW, net_raw, or its number.</summary>
    public static bool TryParse(string text, out int capability)
    {
        var name = text.Trim().ToLowerInvariant();
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out capability)) return capability is >= 0 and < 64;
        if (!name.StartsWith("cap_", StringComparison.Ordinal)) name = "cap_" + name;
        capability = Array.IndexOf(Names, name);
        return capability >= 0;
    }

    /// <summary>The names of the capabilities in a set, lowest first.</summary>
    public static IEnumerable<string> TextNamesOf(ulong set)
    {
        for (int bit = 0; bit < 64; bit++)
            if (Has(set, bit)) yield return TextNameOf(bit);
    }

    /// <summary>Every known spelling, for argument completion.</summary>
    public static IReadOnlyList<string> AllTextNames => Names;
}
