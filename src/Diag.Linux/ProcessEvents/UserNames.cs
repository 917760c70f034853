using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.ProcessEvents;

/// <summary>User ids to names and back, through the C library (so NSS sources such as LDAP count), cached for the
/// life of the process: a watch names the same few users thousands of times.</summary>
public static unsafe class UserNames
{
    private const int ERANGE = 34; // the buffer is too small for this entry

    private static readonly ConcurrentDictionary<int, string?> Names = new();

    /// <summary>The name of <paramref name="uid"/>; null when the user database has none.</summary>
    public static string? NameOf(int uid) => Names.GetOrAdd(uid, static id => Lookup(id, null, out _));

    /// <summary>The id of user <paramref name="name"/> (or a number given as text); null when there is no such user.</summary>
    public static int? IdOf(string name)
    {
        if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return number;
        return Lookup(0, name, out var uid) is null ? null : uid;
    }

    private static string? Lookup(int uid, string? name, out int foundUid)
    {
        foundUid = -1;
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = (byte*)NativeMemory.Alloc((nuint)size);
            try
            {
                Libc.Passwd entry;
                Libc.Passwd* result = null;
                var rc = name is null
                    ? Libc.GetPasswdByUserId((uint)uid, &entry, buffer, (nuint)size, &result)
                    : Libc.GetPasswdByName(name, &entry, buffer, (nuint)size, &result);
                if (rc == ERANGE)
                    continue;
                if (rc != 0 || result == null)
                    return null;
                foundUid = (int)result->UserId;
                return Marshal.PtrToStringUTF8((nint)result->Name);
            }
            finally
            {
                NativeMemory.Free(buffer);
            }
        }
        return null;
    }
}
