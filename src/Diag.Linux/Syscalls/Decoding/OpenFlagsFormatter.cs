namespace Diag.Linux.Syscalls.Decoding;

/// <summary>open flags: the access mode (O_RDONLY is 0, so it is always named) then the other flags.</summary>
internal static class OpenFlagsFormatter
{
    public static string Format(ulong flags)
    {
        var access = FileFlagSets.AccessModes.Format((long)(flags & FileFlagSets.AccessModeMask));
        var rest = flags & ~FileFlagSets.AccessModeMask;
        return rest == 0 ? access : access + "|" + FileFlagSets.OpenFlagsWithoutAccessMode.Format(rest);
    }

    /// <summary>Whether open's mode argument means anything: O_CREAT or O_TMPFILE.</summary>
    public static bool UsesMode(ulong flags) =>
        (flags & FileFlagSets.O_CREAT) != 0 || (flags & FileFlagSets.O_TMPFILE) == FileFlagSets.O_TMPFILE;
}
