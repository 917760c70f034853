namespace Diag.Linux.CoreDumps;

/// <summary>The crash handlers Diag knows the stores of.</summary>
internal enum CoreHandlerKind
{
    SystemdCoredump,
    Apport,
    Abrt,
    Other,
}

/// <summary>
/// The program (or socket) kernel.core_pattern hands cores to, and what its configuration does with them.
/// The kernel starts a pipe handler on the host, as root, in the initial namespaces, whatever process crashed.
/// </summary>
internal sealed class CoreHandler
{
    public required CoreHandlerKind Kind { get; init; }

    /// <summary>The program or socket path, as core_pattern names it.</summary>
    public required string Path { get; init; }

    /// <summary>The program exists (a pipe), or the socket exists (a socket pattern).</summary>
    public required bool Exists { get; init; }

    /// <summary>The program has an execute bit (pipes only).</summary>
    public required bool Executable { get; init; }

    /// <summary>A pipe handler that gets %c, the crashing process's core limit, and honours it (systemd-coredump does).</summary>
    public bool ReceivesCoreLimit { get; init; }

    /// <summary>Where it keeps cores, as Diag knows it; null for an unknown handler.</summary>
    public string? StoreDirectory { get; init; }

    public SystemdCoredumpSettings? Systemd { get; init; }

    /// <summary>apport: enabled=0 in /etc/default/apport switches it off.</summary>
    public bool? ApportEnabled { get; init; }

    /// <summary>abrt: ProcessUnpackaged and MakeCompatCore (a core file in the process's directory too).</summary>
    public bool? AbrtProcessesUnpackaged { get; init; }
    public bool? AbrtMakesCompatCore { get; init; }

    public string Name => Kind switch
    {
        CoreHandlerKind.SystemdCoredump => "systemd-coredump",
        CoreHandlerKind.Apport => "apport",
        CoreHandlerKind.Abrt => "abrt",
        _ => System.IO.Path.GetFileName(Path),
    };

    public static CoreHandler? Read(MachineRoot machine, CorePattern pattern)
    {
        if (pattern.Kind == CorePatternKind.File || pattern.HandlerPath is null) return null;
        if (pattern.Kind == CorePatternKind.Socket)
        {
            var socket = MachineRoot.Stat(machine.PathOf(pattern.HandlerPath), out _);
            bool systemd = pattern.HandlerPath.Contains("systemd", StringComparison.Ordinal) && pattern.HandlerPath.Contains("coredump", StringComparison.Ordinal);
            return new CoreHandler
            {
                Kind = systemd ? CoreHandlerKind.SystemdCoredump : CoreHandlerKind.Other,
                Path = pattern.HandlerPath,
                Exists = socket is { } s && (s.Mode & Interop.Libc.S_IFMT) == Interop.Libc.S_IFSOCK,
                Executable = false,
                ReceivesCoreLimit = false,
                StoreDirectory = systemd ? SystemdCoredumpSettings.Store : null,
                Systemd = systemd ? SystemdCoredumpSettings.Read(machine) : null,
            };
        }

        var path = pattern.HandlerPath;
        var file = MachineRoot.Stat(machine.PathOf(path), out _);
        var name = System.IO.Path.GetFileName(path);
        var kind = name switch
        {
            "systemd-coredump" => CoreHandlerKind.SystemdCoredump,
            "apport" => CoreHandlerKind.Apport,
            "abrt-hook-ccpp" => CoreHandlerKind.Abrt,
            _ => CoreHandlerKind.Other,
        };
        var handler = new CoreHandler
        {
            Kind = kind,
            Path = path,
            Exists = file is { IsRegularFile: true },
            Executable = file is { } f && (f.Permissions & 0x49) != 0,
            ReceivesCoreLimit = kind == CoreHandlerKind.SystemdCoredump && pattern.HandlerArguments.Contains("%c"),
            StoreDirectory = kind switch
            {
                CoreHandlerKind.SystemdCoredump => SystemdCoredumpSettings.Store,
                CoreHandlerKind.Apport => "/var/crash",
                CoreHandlerKind.Abrt => KeyValue(machine.ReadText("/etc/abrt/abrt.conf"), "DumpLocation") ?? "/var/spool/abrt",
                _ => null,
            },
            Systemd = kind == CoreHandlerKind.SystemdCoredump ? SystemdCoredumpSettings.Read(machine) : null,
            ApportEnabled = kind == CoreHandlerKind.Apport ? KeyValue(machine.ReadText("/etc/default/apport"), "enabled") != "0" : null,
            AbrtProcessesUnpackaged = kind == CoreHandlerKind.Abrt
                ? YesNo(KeyValue(machine.ReadText("/etc/abrt/abrt-action-save-package-data.conf"), "ProcessUnpackaged")) ?? false : null,
            AbrtMakesCompatCore = kind == CoreHandlerKind.Abrt
                ? YesNo(KeyValue(machine.ReadText("/etc/abrt/plugins/CCpp.conf"), "MakeCompatCore")) ?? false : null,
        };
        return handler;
    }

    /// <summary>"key = value" or "key=value" lines (apport, abrt); the last one wins.</summary>
    private static string? KeyValue(string? text, string key)
    {
        string? value = null;
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#')) continue;
            int eq = line.IndexOf('=');
            if (eq > 0 && line[..eq].Trim() == key) value = line[(eq + 1)..].Trim().Trim('"');
        }
        return value;
    }

    private static bool? YesNo(string? value) => value?.ToLowerInvariant() switch
    {
        "yes" or "true" or "1" or "on" => true,
        "no" or "false" or "0" or "off" => false,
        _ => null,
    };
}

/// <summary>systemd-coredump's coredump.conf [Coredump] settings that decide whether a core is kept, with their defaults.</summary>
internal sealed class SystemdCoredumpSettings
{
    public const string Store = "/var/lib/systemd/coredump";

    /// <summary>systemd's defaults on 64-bit machines (coredump.conf(5)).</summary>
    public const ulong DefaultProcessSizeMax = 32UL << 30, DefaultExternalSizeMax = 32UL << 30, DefaultJournalSizeMax = 767UL << 20;

    public required string Storage { get; init; }
    public required ulong ProcessSizeMax { get; init; }
    public required ulong ExternalSizeMax { get; init; }
    public required ulong JournalSizeMax { get; init; }

    /// <summary>Where Storage= was set; null when it is the default.</summary>
    public string? StorageSource { get; init; }

    /// <summary>The files that set anything, for the check's Actual.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The largest core it keeps: MIN(core limit, MAX(ProcessSizeMax, the storage's limit)) is what it reads.</summary>
    public ulong StorageSizeMax => Storage switch
    {
        "external" => ExternalSizeMax,
        "journal" => JournalSizeMax,
        _ => 0,
    };

    public ulong KeptSizeMax => Math.Max(ProcessSizeMax, StorageSizeMax);

    public static SystemdCoredumpSettings Read(MachineRoot machine)
    {
        var settings = SystemdConfig.ReadConfig(machine, "coredump.conf", "Coredump");
        return new SystemdCoredumpSettings
        {
            Storage = settings.TryGetValue("Storage", out var storage) ? storage.Value.ToLowerInvariant() : "external",
            StorageSource = settings.TryGetValue("Storage", out var s) ? s.File : null,
            ProcessSizeMax = Size("ProcessSizeMax", DefaultProcessSizeMax),
            ExternalSizeMax = Size("ExternalSizeMax", DefaultExternalSizeMax),
            JournalSizeMax = Size("JournalSizeMax", DefaultJournalSizeMax),
            Sources = settings.Values.Select(v => v.File).Distinct().ToList(),
        };

        ulong Size(string key, ulong fallback) =>
            settings.TryGetValue(key, out var v) && ByteSize.ParseSystemd(v.Value) is { } bytes ? bytes : fallback;
    }

    public string Describe()
    {
        string Size(ulong v) => v == ulong.MaxValue ? "infinity" : ByteSize.Format(v);
        return $"Storage={Storage}, ProcessSizeMax={Size(ProcessSizeMax)}, " +
               (Storage == "journal" ? $"JournalSizeMax={Size(JournalSizeMax)}" : $"ExternalSizeMax={Size(ExternalSizeMax)}");
    }
}
