using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Elf;

/// <summary>
/// Finds the separate debug file of a stripped binary the way GDB and libdw do: by build ID under
/// /usr/lib/debug/.build-id (what Debian's -dbg/-dbgsym and Fedora's -debuginfo packages install), then
/// by .gnu_debuglink next to the binary, in its .debug directory and under /usr/lib/debug. Looks in the
/// target's root (/proc/PID/root: a container's own debug packages) and in the host's. A file found by
/// name is accepted only when its build ID matches.
/// </summary>
internal static class DebugFileLocator
{
    private const string DebugDirectory = "/usr/lib/debug";

    /// <summary>Opens the debug file of <paramref name="image"/>, whose path in the target is <paramref name="modulePath"/>;
    /// <paramref name="roots"/> are prefixes to look under ("" for the host). Null when none is found.</summary>
    public static ElfImage? TryOpen(ElfImage image, string modulePath, IReadOnlyList<string> roots)
    {
        foreach (var candidate in Candidates(image, modulePath))
        {
            foreach (var root in roots)
            {
                var debug = TryOpenFile(root + candidate);
                if (debug is null) continue;
                if (Matches(image, debug) && debug.Section(".symtab") is { HasData: true }) return debug;
                debug.Dispose();
            }
        }
        return null;
    }

    private static IEnumerable<string> Candidates(ElfImage image, string modulePath)
    {
        if (image.BuildId is { Length: > 1 } id)
        {
            var hex = Convert.ToHexString(id).ToLowerInvariant();
            yield return $"{DebugDirectory}/.build-id/{hex[..2]}/{hex[2..]}.debug";
        }
        if (image.DebugLink is { } link && !link.Contains('/') && modulePath.StartsWith('/'))
        {
            var directory = Path.GetDirectoryName(modulePath) ?? "/";
            yield return Path.Join(directory, link);
            yield return Path.Join(directory, ".debug", link);
            yield return DebugDirectory + Path.Join(directory, link);
        }
    }

    private static bool Matches(ElfImage image, ElfImage debug) =>
        image.BuildId is null || debug.BuildId is null || image.BuildId.AsSpan().SequenceEqual(debug.BuildId);

    private static ElfImage? TryOpenFile(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
        var source = ElfSource.FromFile(handle);
        var image = ElfImage.TryParse(source);
        if (image is null) source.Dispose();
        return image;
    }
}
