namespace Diag.Linux.Pipes;

/// <summary>Parses a /proc/PID/fd link target: "pipe:[123]", "socket:[456]", a path, or anything else
/// ("anon_inode:[eventfd]", "net:[…]").</summary>
internal static class DescriptorLink
{
    public enum Kind : byte { Other, Pipe, Socket, Path }

    public static Kind Parse(ReadOnlySpan<byte> target, out ulong inode)
    {
        inode = 0;
        if (target.Length > 0 && target[0] == (byte)'/') return Kind.Path;
        if (target.StartsWith("pipe:["u8)) return TryInode(target["pipe:["u8.Length..], out inode) ? Kind.Pipe : Kind.Other;
        if (target.StartsWith("socket:["u8)) return TryInode(target["socket:["u8.Length..], out inode) ? Kind.Socket : Kind.Other;
        return Kind.Other;
    }

    private static bool TryInode(ReadOnlySpan<byte> digits, out ulong inode)
    {
        inode = 0;
        int i = 0;
        for (; i < digits.Length && (uint)(digits[i] - '0') <= 9; i++) inode = inode * 10 + (ulong)(digits[i] - '0');
        if (i > 0 && i < digits.Length && digits[i] == (byte)']') return true;
        inode = 0;
        return false;
    }
}
