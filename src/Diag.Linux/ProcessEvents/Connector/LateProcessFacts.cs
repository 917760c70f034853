using System.Globalization;
using System.Text;
using Diag.Linux.ProcFs;

namespace Diag.Linux.ProcessEvents.Connector;

/// <summary>
/// What /proc says about a process when the process connector reports it: read after the event, so a short-lived
/// process may be gone (every field null) or may already run something else. The events that carry these facts say
/// so (<see cref="ProcessEvent.IsLate"/>).
/// </summary>
internal sealed class LateProcessFacts
{
    public string? Name { get; private init; }
    public string? Path { get; private init; }
    public bool PathDeleted { get; private init; }
    public List<string>? Arguments { get; private init; }
    public string? WorkingDirectory { get; private init; }
    public int? ParentId { get; private init; }
    public int? UserId { get; private init; }
    public int? GroupId { get; private init; }
    public int? NamespaceProcessId { get; private init; }
    public string? Cgroup { get; private init; }

    public static LateProcessFacts Read(int pid, bool withCommandLine)
    {
        var directory = "/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/";
        var exe = Link(directory + "exe");
        var deleted = exe?.EndsWith(" (deleted)", StringComparison.Ordinal) == true;
        byte[]? status = Bytes(directory + "status");
        int? Number(ReadOnlySpan<byte> key)
        {
            if (status is null)
                return null;
            var value = StatusText.ValueOf(status, key);
            return value.IsEmpty ? null : (int)StatusText.FirstNumber(value);
        }

        int? nsPid = null;
        if (status is not null && StatusText.ValueOf(status, "\nNSpid:"u8) is { IsEmpty: false } nspid)
            nsPid = (int)StatusText.LastNumber(nspid);
        return new LateProcessFacts
        {
            Name = Text(directory + "comm")?.TrimEnd('\n'),
            Path = deleted ? exe![..^" (deleted)".Length] : exe,
            PathDeleted = deleted,
            Arguments = withCommandLine && Bytes(directory + "cmdline") is { } cmdline
                ? Kernel.ProcessRecordDecoder.SplitArguments(cmdline.AsSpan().TrimEnd((byte)0))
                : null,
            WorkingDirectory = withCommandLine ? Link(directory + "cwd") : null,
            ParentId = Number("\nPPid:"u8),
            UserId = Number("\nUid:"u8),
            GroupId = Number("\nGid:"u8),
            NamespaceProcessId = nsPid,
            Cgroup = CgroupOf(Text(directory + "cgroup")),
        };
    }

    /// <summary>The unified hierarchy's line ("0::/system.slice/x.service") of /proc/PID/cgroup.</summary>
    private static string? CgroupOf(string? text)
    {
        if (text is null)
            return null;
        foreach (var line in text.Split('\n'))
            if (line.StartsWith("0::", StringComparison.Ordinal))
                return line[3..];
        return null;
    }

    private static string? Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[]? Bytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Text(string path) => Bytes(path) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
}
