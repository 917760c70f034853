using System.Globalization;

namespace Diag.Linux.ProcFs;

/// <summary>Capability numbers the engine checks (linux/capability.h), and this thread's effective set, read from
/// <c>/proc/thread-self/status</c> (CapEff). A set is a bit mask: bit N is capability N.</summary>
internal static class Capabilities
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

    /// <summary>A capability as <c>man 7 capabilities</c> names it, for messages.</summary>
    public static string NameOf(int capability) => capability switch
    {
        CapDacOverride => "CAP_DAC_OVERRIDE",
        CapSetGid => "CAP_SETGID",
        CapSetUid => "CAP_SETUID",
        CapNetAdmin => "CAP_NET_ADMIN",
        CapSysChroot => "CAP_SYS_CHROOT",
        CapSysPtrace => "CAP_SYS_PTRACE",
        CapSysAdmin => "CAP_SYS_ADMIN",
        CapSysResource => "CAP_SYS_RESOURCE",
        CapPerfmon => "CAP_PERFMON",
        CapBpf => "CAP_BPF",
        _ => "capability " + capability.ToString(CultureInfo.InvariantCulture),
    };
}
