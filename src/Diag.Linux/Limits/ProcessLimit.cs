using System.Globalization;

namespace Diag.Linux.Limits;

/// <summary>
/// One resource limit of a process (a line of prlimit --pid): soft and hard limit (null: unlimited), what is used of
/// it where the kernel tells, the headroom, a Status (Ok, NearLimit, TooHigh), where the limit came from (its parent's
/// for comparison) and, when it needs changing, the command that changes it now and what changes it lastingly.
/// </summary>
public sealed class ProcessLimit
{
    internal ProcessLimit(int processId, string processName, ResourceLimitInfo info, ulong? soft, ulong? hard, ulong? used, LimitStatus status, string note,
        LimitOrigin origin, int? parentId, string parentName, ulong? parentSoft, ulong? parentHard, string changeNow, string changeLasting, DateTime timestamp)
    {
        ProcessId = processId;
        ProcessName = processName;
        ResourceValue = info.Kind;
        Name = info.Name.ToUpperInvariant();
        Description = info.Description;
        Unit = info.Unit;
        SoftLimit = soft;
        HardLimit = hard;
        Used = used;
        UsedPercent = used is { } u && soft is { } s && s > 0 ? Math.Round(100.0 * u / s, 1) : null;
        Headroom = used is { } u2 && soft is { } s2 ? (s2 > u2 ? s2 - u2 : 0) : null;
        StatusValue = status;
        Note = note;
        SourceValue = origin.Source;
        SourceDetail = origin.Detail;
        OriginProcessId = origin.OriginProcessId;
        ServiceUnit = origin.ServiceUnit ?? "";
        ParentProcessId = parentId;
        ParentName = parentName;
        ParentSoftLimit = parentSoft;
        ParentHardLimit = parentHard;
        ChangeNow = changeNow;
        ChangeLasting = changeLasting;
        Timestamp = timestamp;
    }

    public int ProcessId { get; }
    public string ProcessName { get; }

    /// <summary>The limit by name (OpenFiles, Processes, AddressSpace...; see <see cref="ResourceLimitKind"/>).</summary>
    public string Resource => ResourceValue.ToString();

    internal ResourceLimitKind ResourceValue { get; }

    /// <summary>prlimit's name: NOFILE, NPROC, AS...</summary>
    public string Name { get; }

    /// <summary>prlimit's description: "max number of open files".</summary>
    public string Description { get; }

    /// <summary>What the numbers count: bytes, files, processes, seconds, signals, microseconds.</summary>
    public string Unit { get; }

    /// <summary>The limit the kernel enforces; null: unlimited.</summary>
    public ulong? SoftLimit { get; }

    /// <summary>How far the process may raise its soft limit without privilege; null: unlimited.</summary>
    public ulong? HardLimit { get; }

    /// <summary>What counts against it now, where the kernel exposes it: open descriptors, the real user's processes
    /// and threads, locked memory, queued signals, address space, stack, data, CPU seconds; null otherwise.</summary>
    public ulong? Used { get; }

    /// <summary>Used as a percentage of the soft limit.</summary>
    public double? UsedPercent { get; }

    /// <summary>Soft limit minus use.</summary>
    public ulong? Headroom { get; }

    /// <summary>Ok, NearLimit or TooHigh (see <see cref="LimitStatus"/>).</summary>
    public string Status => StatusValue.ToString();

    internal LimitStatus StatusValue { get; }

    /// <summary>What the status means for this process, in words.</summary>
    public string Note { get; }

    /// <summary>SystemdUnit, SystemdDefault, LoginSession, ContainerRuntime, Init, SetByProcess or Unknown.</summary>
    public string Source => SourceValue.ToString();

    internal LimitSource SourceValue { get; }

    /// <summary>Where exactly: "LimitNOFILE=infinity in /lib/systemd/system/mysql.service", a limits.conf line, the
    /// process that set it.</summary>
    public string SourceDetail { get; }

    /// <summary>The process where the value first appears (this one, or the ancestor it inherited it from).</summary>
    public int OriginProcessId { get; }

    /// <summary>The systemd service the limit came from, when it did.</summary>
    public string ServiceUnit { get; }

    public int? ParentProcessId { get; }
    public string ParentName { get; }

    /// <summary>The parent's soft limit, for comparison (null: unlimited, or no parent).</summary>
    public ulong? ParentSoftLimit { get; }

    public ulong? ParentHardLimit { get; }

    /// <summary>The command that changes it in the running process (prlimit), when it needs changing.</summary>
    public string ChangeNow { get; }

    /// <summary>Where to change it so that the next start has it, when it needs changing.</summary>
    public string ChangeLasting { get; }

    public DateTime Timestamp { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ProcessName} ({ProcessId}) {Name} soft {Text(SoftLimit)} hard {Text(HardLimit)}") +
        (Used is { } u ? string.Create(CultureInfo.InvariantCulture, $" used {u} ({UsedPercent}%)") : "") + " " + Status;

    private static string Text(ulong? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "unlimited";
}
