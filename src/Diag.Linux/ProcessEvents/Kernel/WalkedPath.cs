using System.Text;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>A path as the kernel programs walk it: components leaf first, each NUL-terminated.</summary>
internal static class WalkedPath
{
    /// <summary>The absolute path ("/" when the walk started at the root); null when nothing was written.</summary>
    public static string? Decode(ReadOnlySpan<byte> components, bool reachedRoot)
    {
        if (components.IsEmpty)
            return reachedRoot ? "/" : null;
        var parts = new List<string>();
        while (!components.IsEmpty)
        {
            var end = components.IndexOf((byte)0);
            var part = end < 0 ? components : components[..end];
            if (!part.IsEmpty)
                parts.Add(Encoding.UTF8.GetString(part));
            components = end < 0 ? default : components[(end + 1)..];
        }
        parts.Reverse();
        return "/" + string.Join('/', parts);
    }
}

/// <summary>An executable's path as the executable map holds it.</summary>
internal readonly record struct ExecutablePath(string Path, bool Deleted, bool Cut);
