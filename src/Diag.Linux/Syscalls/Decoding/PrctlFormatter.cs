using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// prctl and arch_prctl as strace prints them: the option by name and only the arguments it uses,
/// decoded (<c>prctl(PR_SET_NAME, "worker")</c>, <c>prctl(PR_SET_PDEATHSIG, SIGTERM)</c>,
/// <c>prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)</c>); options it does not know show their four
/// arguments in hex, as strace does.
/// </summary>
internal static class PrctlFormatter
{
    private const int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
        PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_GET_TIMING = 13, PR_SET_TIMING = 14, PR_SET_NAME = 15,
        PR_GET_NAME = 16, PR_GET_SECCOMP = 21, PR_SET_SECCOMP = 22, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
        PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30, PR_TASK_PERF_EVENTS_DISABLE = 31,
        PR_TASK_PERF_EVENTS_ENABLE = 32, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
        PR_SET_NO_NEW_PRIVS = 38, PR_SET_THP_DISABLE = 41, PR_SET_IO_FLUSHER = 57,
        PR_SET_VMA = 0x53564d41, PR_SET_PTRACER = 0x59616d61;

    private const int TaskCommLength = 16;

    public static readonly ValueNames Options = new(
        ("PR_SET_PDEATHSIG", 1), ("PR_GET_PDEATHSIG", 2), ("PR_GET_DUMPABLE", 3), ("PR_SET_DUMPABLE", 4),
        ("PR_GET_UNALIGN", 5), ("PR_SET_UNALIGN", 6), ("PR_GET_KEEPCAPS", 7), ("PR_SET_KEEPCAPS", 8),
        ("PR_GET_FPEMU", 9), ("PR_SET_FPEMU", 10), ("PR_GET_FPEXC", 11), ("PR_SET_FPEXC", 12),
        ("PR_GET_TIMING", 13), ("PR_SET_TIMING", 14), ("PR_SET_NAME", 15), ("PR_GET_NAME", 16),
        ("PR_GET_ENDIAN", 19), ("PR_SET_ENDIAN", 20), ("PR_GET_SECCOMP", 21), ("PR_SET_SECCOMP", 22),
        ("PR_CAPBSET_READ", 23), ("PR_CAPBSET_DROP", 24), ("PR_GET_TSC", 25), ("PR_SET_TSC", 26),
        ("PR_GET_SECUREBITS", 27), ("PR_SET_SECUREBITS", 28), ("PR_SET_TIMERSLACK", 29),
        ("PR_GET_TIMERSLACK", 30), ("PR_TASK_PERF_EVENTS_DISABLE", 31), ("PR_TASK_PERF_EVENTS_ENABLE", 32),
        ("PR_MCE_KILL", 33), ("PR_MCE_KILL_GET", 34), ("PR_SET_MM", 35), ("PR_SET_CHILD_SUBREAPER", 36),
        ("PR_GET_CHILD_SUBREAPER", 37), ("PR_SET_NO_NEW_PRIVS", 38), ("PR_GET_NO_NEW_PRIVS", 39),
        ("PR_GET_TID_ADDRESS", 40), ("PR_SET_THP_DISABLE", 41), ("PR_GET_THP_DISABLE", 42),
        ("PR_MPX_ENABLE_MANAGEMENT", 43), ("PR_MPX_DISABLE_MANAGEMENT", 44), ("PR_SET_FP_MODE", 45),
        ("PR_GET_FP_MODE", 46), ("PR_CAP_AMBIENT", 47), ("PR_SVE_SET_VL", 50), ("PR_SVE_GET_VL", 51),
        ("PR_GET_SPECULATION_CTRL", 52), ("PR_SET_SPECULATION_CTRL", 53), ("PR_PAC_RESET_KEYS", 54),
        ("PR_SET_TAGGED_ADDR_CTRL", 55), ("PR_GET_TAGGED_ADDR_CTRL", 56), ("PR_SET_IO_FLUSHER", 57),
        ("PR_GET_IO_FLUSHER", 58), ("PR_SET_SYSCALL_USER_DISPATCH", 59), ("PR_PAC_SET_ENABLED_KEYS", 60),
        ("PR_PAC_GET_ENABLED_KEYS", 61), ("PR_SCHED_CORE", 62), ("PR_SET_MDWE", 65), ("PR_GET_MDWE", 66),
        ("PR_SET_MEMORY_MERGE", 67), ("PR_GET_MEMORY_MERGE", 68), ("PR_SET_VMA", PR_SET_VMA),
        ("PR_SET_PTRACER", PR_SET_PTRACER));

    /// <summary>The option by name; an unknown one as strace prints it, <c>0x3e8 /* PR_??? */</c>.</summary>
    public static string Option(ulong option) =>
        Options.TryGetName((int)(uint)option, out var name) ? name : NumberText.Hex((uint)option) + " /* PR_??? */";

    private static readonly ValueNames SeccompModes = new(
        ("SECCOMP_MODE_DISABLED", 0), ("SECCOMP_MODE_STRICT", 1), ("SECCOMP_MODE_FILTER", 2));

    /// <summary>The text of prctl's argument <paramref name="index"/> (1..4 for arg2..arg5), or null when
    /// the option does not use it. Called at entry (<paramref name="atExit"/> false) for what the caller
    /// passes and at exit for what the kernel fills in (PR_GET_NAME's name, PR_GET_PDEATHSIG's signal).</summary>
    public static string? Argument(DecodeContext context, int index, bool atExit)
    {
        var option = (int)(uint)context.Arguments[0];
        var value = context.Arguments[index];
        var memory = context.Memory;
        switch (option)
        {
            case PR_GET_DUMPABLE or PR_GET_KEEPCAPS or PR_GET_TIMING or PR_GET_SECCOMP or PR_GET_TIMERSLACK
                or PR_TASK_PERF_EVENTS_DISABLE or PR_TASK_PERF_EVENTS_ENABLE:
                return null;
            case PR_SET_NAME:
                return index == 1 ? StringArgumentReader.ReadCString(memory, value, TaskCommLength - 1) : null;
            case PR_GET_NAME:
                if (index != 1)
                    return null;
                if (!atExit)
                    return ArgumentFormatter.Deferred;
                return context.Succeeded ? StringArgumentReader.ReadCString(memory, value, TaskCommLength) : NumberText.Pointer(value);
            case PR_SET_PDEATHSIG:
                return index == 1 ? SignalFormatter.Name((long)value) : null;
            case PR_GET_PDEATHSIG:
                if (index != 1)
                    return null;
                if (!atExit)
                    return ArgumentFormatter.Deferred;
                return context.Succeeded && TraceeMemoryReads.TryReadInt32(memory, value, out var signal)
                    ? "[" + SignalFormatter.Name(signal) + "]"
                    : NumberText.Pointer(value);
            case PR_GET_CHILD_SUBREAPER:
                if (index != 1)
                    return null;
                if (!atExit)
                    return ArgumentFormatter.Deferred;
                return context.Succeeded && TraceeMemoryReads.TryReadInt32(memory, value, out var isSet)
                    ? "[" + ((uint)isSet).ToString(CultureInfo.InvariantCulture) + "]"
                    : NumberText.Pointer(value);
            case PR_SET_DUMPABLE:
                return index == 1 ? MiscFlagSets.SuidDumpable.Format((long)value) : null;
            case PR_SET_KEEPCAPS or PR_SET_TIMING or PR_SET_CHILD_SUBREAPER or PR_SET_TIMERSLACK:
                return index == 1 ? value.ToString(CultureInfo.InvariantCulture) : null;
            case PR_SET_NO_NEW_PRIVS or PR_SET_THP_DISABLE or PR_SET_IO_FLUSHER:
                return index == 1 ? value.ToString(CultureInfo.InvariantCulture) : NumberText.Hex(value);
            case PR_CAPBSET_READ or PR_CAPBSET_DROP:
                return index == 1 ? MiscFlagSets.Capabilities.Format((long)value) : null;
            case PR_SET_SECCOMP:
                if (index == 1)
                    return SeccompModes.Format((long)value);
                return (long)context.Arguments[1] == 2 && index == 2 ? NumberText.Pointer(value) : (long)context.Arguments[1] is 0 or 1 ? null : NumberText.Hex(value);
            case PR_SET_PTRACER:
                return index != 1 ? null : (int)(uint)value == -1 ? "PR_SET_PTRACER_ANY" : NumberText.Int(value);
            case PR_SET_VMA:
                return index switch
                {
                    1 => value == 0 ? "PR_SET_VMA_ANON_NAME" : NumberText.Hex(value),
                    2 => NumberText.Pointer(value),
                    3 => value.ToString(CultureInfo.InvariantCulture),
                    _ => StringArgumentReader.ReadCString(memory, value, StringArgumentReader.DefaultLimit),
                };
            default:
                return NumberText.Hex(value);
        }
    }

    /// <summary>What strace adds to prctl's return value: PR_GET_DUMPABLE's SUID_DUMP_* name.</summary>
    public static string? ReturnDetail(DecodeContext context) =>
        (int)(uint)context.Arguments[0] == PR_GET_DUMPABLE && MiscFlagSets.SuidDumpable.TryGetName(context.ReturnValue, out var name)
            ? name
            : null;

    // ---- arch_prctl ----

    private const int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004,
        ARCH_GET_CPUID = 0x1011;

    public static readonly ValueNames ArchCodes = new(
        ("ARCH_SET_GS", ARCH_SET_GS), ("ARCH_SET_FS", ARCH_SET_FS), ("ARCH_GET_FS", ARCH_GET_FS),
        ("ARCH_GET_GS", ARCH_GET_GS), ("ARCH_GET_CPUID", ARCH_GET_CPUID), ("ARCH_SET_CPUID", 0x1012),
        ("ARCH_GET_XCOMP_SUPP", 0x1021), ("ARCH_GET_XCOMP_PERM", 0x1022), ("ARCH_REQ_XCOMP_PERM", 0x1023),
        ("ARCH_GET_XCOMP_GUEST_PERM", 0x1024), ("ARCH_REQ_XCOMP_GUEST_PERM", 0x1025), ("ARCH_XCOMP_TILECFG", 0x1031),
        ("ARCH_XCOMP_TILEDATA", 0x1032), ("ARCH_MAP_VDSO_X32", 0x2001), ("ARCH_MAP_VDSO_32", 0x2002),
        ("ARCH_MAP_VDSO_64", 0x2003), ("ARCH_GET_UNTAG_MASK", 0x4001), ("ARCH_ENABLE_TAGGED_ADDR", 0x4002),
        ("ARCH_GET_MAX_TAG_BITS", 0x4003), ("ARCH_FORCE_TAGGED_SVA", 0x4004), ("ARCH_SHSTK_ENABLE", 0x5001),
        ("ARCH_SHSTK_DISABLE", 0x5002), ("ARCH_SHSTK_LOCK", 0x5003), ("ARCH_SHSTK_UNLOCK", 0x5004),
        ("ARCH_SHSTK_STATUS", 0x5005));

    /// <summary>arch_prctl's code: an unknown one as strace prints it, <c>0x3001 /* ARCH_??? */</c>.</summary>
    public static string ArchCode(ulong code) =>
        ArchCodes.TryGetName((long)(uint)code, out var name) ? name : NumberText.Hex((uint)code) + " /* ARCH_??? */";

    /// <summary>arch_prctl's address: ARCH_GET_FS/GS show the value the kernel stored (at exit), ARCH_GET_CPUID has none.</summary>
    public static string? ArchAddress(DecodeContext context, bool atExit)
    {
        var code = (int)(uint)context.Arguments[0];
        var address = context.Arguments[1];
        switch (code)
        {
            case ARCH_GET_FS or ARCH_GET_GS:
                if (!atExit)
                    return ArgumentFormatter.Deferred;
                return context.Succeeded && TraceeMemoryReads.TryReadUInt64(context.Memory, address, out var value)
                    ? "[" + NumberText.Hex(value) + "]"
                    : NumberText.Pointer(address);
            case ARCH_GET_CPUID:
                return null;
            default:
                return NumberText.Hex(address);
        }
    }
}
