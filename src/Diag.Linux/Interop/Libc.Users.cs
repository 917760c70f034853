using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// The user database through glibc (NSS: /etc/passwd, and LDAP or sssd where configured), for user names.
internal static unsafe partial class Libc
{
    /// <summary><c>struct passwd</c> (x86_64/aarch64 LP64 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint UserId;
        public uint GroupId;
        public byte* Gecos;
        public byte* Directory;
        public byte* Shell;
    }

    /// <summary>getpwuid_r: 0 with <paramref name="result"/> set (null: no such user) or an errno (ERANGE: a larger buffer).</summary>
    [LibraryImport(Lib, EntryPoint = "getpwuid_r")]
    public static partial int GetPasswdByUserId(uint uid, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    /// <summary>getpwnam_r: as <see cref="GetPasswdByUserId"/>, by name.</summary>
    [LibraryImport(Lib, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetPasswdByName(string name, Passwd* entry, byte* buffer, nuint size, Passwd** result);
}
