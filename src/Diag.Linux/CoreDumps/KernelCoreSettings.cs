namespace Diag.Linux.CoreDumps;

/// <summary>The sysctls that decide where cores go (core(5)), read from /proc/sys.</summary>
internal sealed class KernelCoreSettings
{
    /// <summary>kernel.core_pattern, exactly as the kernel holds it ("core" when unreadable, the kernel's default).</summary>
    public required string PatternText { get; init; }

    /// <summary>kernel.core_uses_pid: append ".PID" to a file pattern without %p.</summary>
    public required bool UsesPid { get; init; }

    /// <summary>fs.suid_dumpable: 0 no dump for processes that changed credentials, 1 dump as themselves, 2 dump as root to an absolute path or pipe.</summary>
    public required int SuidDumpable { get; init; }

    /// <summary>kernel.core_pipe_limit: 0 unlimited (and the kernel does not wait for the handler).</summary>
    public required int PipeLimit { get; init; }

    /// <summary>The parsed pattern.</summary>
    public CorePattern Pattern => _pattern ??= CorePattern.Parse(PatternText);

    private CorePattern? _pattern;

    public static KernelCoreSettings Read(MachineRoot machine)
    {
        var pattern = machine.ReadText("/proc/sys/kernel/core_pattern");
        return new KernelCoreSettings
        {
            PatternText = pattern is null ? "core" : pattern.TrimEnd('\n'),
            UsesPid = machine.ReadNumber("/proc/sys/kernel/core_uses_pid") is > 0,
            SuidDumpable = (int)(machine.ReadNumber("/proc/sys/fs/suid_dumpable") ?? 0),
            PipeLimit = (int)(machine.ReadNumber("/proc/sys/kernel/core_pipe_limit") ?? 0),
        };
    }
}
