using System.Globalization;

namespace Diag.Linux.Privileges;

/// <summary>User names from /etc/passwd, read once per session (id -un without NSS modules: local accounts only).</summary>
internal static class UserNames
{
    private static readonly Lazy<Dictionary<uint, string>> Names = new(Read);

    public static string? Of(uint uid) => Names.Value.GetValueOrDefault(uid);

    private static Dictionary<uint, string> Read()
    {
        var names = new Dictionary<uint, string>();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) names.TryAdd(uid, fields[0]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return names;
    }
}
