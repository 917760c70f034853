namespace Diag.Linux.CoreDumps;

/// <summary>
/// Files as a process sees them: inside its root, which for a container or a chroot is /proc/PID/root on this
/// machine. Its configuration files (my.cnf) and its core file paths are resolved through this.
/// </summary>
internal sealed class ProcessFileView(MachineRoot machine, ProcessFacts facts)
{
    /// <summary>A path the process would open, as a path on this machine.</summary>
    public string HostPath(string absolute) =>
        facts.OtherRoot ? machine.ProcPath(facts.Pid, "root") + absolute : machine.PathOf(absolute);

    public string? ReadText(string absolute) => MachineRoot.ReadHostText(HostPath(absolute));

    /// <summary>The file names in a directory, sorted; empty when it cannot be listed.</summary>
    public IReadOnlyList<string> ListNames(string absoluteDirectory)
    {
        try
        {
            var names = Directory.GetFiles(HostPath(absoluteDirectory)).Select(Path.GetFileName).OfType<string>().ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
