namespace Diag.Linux.Packages;

/// <summary>
/// The merged-/usr aliases of a root: top-level directories that are symlinks into /usr (/bin → usr/bin, /lib →
/// usr/lib, /sbin, /lib64…). Packages list a file under either name (bash lists /bin/bash, which is /usr/bin/bash on
/// disk), so the index keys every path by its /usr form and a lookup does the same: no false "owned by no package"
/// for /usr/bin/bash, and no miss for /lib/x86_64-linux-gnu/libc.so.6 (dpkg -S misses both, Debian #134758).
/// </summary>
internal sealed class MergedUsr
{
    private static readonly string[] Candidates = ["bin", "sbin", "lib", "lib32", "lib64", "libx32", "libo32"];
    private readonly (string Alias, string Target)[] _aliases;

    private MergedUsr((string, string)[] aliases) => _aliases = aliases;

    public static MergedUsr None { get; } = new([]);

    /// <summary>The aliases of <paramref name="root"/>: each candidate directory that is a symlink to usr/NAME.</summary>
    public static MergedUsr Of(string root)
    {
        var aliases = new List<(string, string)>();
        foreach (var name in Candidates)
        {
            string? target;
            try
            {
                target = new FileInfo(Path.Combine(root, name)).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (target is null) continue;
            var absolute = target.StartsWith('/') ? target : "/" + target;
            if (absolute.TrimEnd('/') == "/usr/" + name) aliases.Add(("/" + name, "/usr/" + name));
        }
        return new MergedUsr(aliases.ToArray());
    }

    /// <summary>The aliases as UTF-8 bytes, for <see cref="PathTable"/>.</summary>
    public (byte[] Alias, byte[] Target)[] ByteAliases =>
        _aliases.Select(a => (System.Text.Encoding.UTF8.GetBytes(a.Alias), System.Text.Encoding.UTF8.GetBytes(a.Target))).ToArray();

    /// <summary>True when the root has merged /usr.</summary>
    public bool Any => _aliases.Length > 0;

    /// <summary>The /usr form of a path (/bin/bash → /usr/bin/bash); other paths unchanged.</summary>
    public string Canonical(string path)
    {
        foreach (var (alias, target) in _aliases)
        {
            if (!path.StartsWith(alias, StringComparison.Ordinal)) continue;
            if (path.Length == alias.Length) return target;
            if (path[alias.Length] == '/') return string.Concat(target, path.AsSpan(alias.Length));
        }
        return path;
    }

    /// <summary>The alias directory and its target when <paramref name="directory"/> is one of them (/bin → /usr/bin).</summary>
    public string? AliasTarget(string directory)
    {
        foreach (var (alias, target) in _aliases)
            if (directory == alias) return target;
        return null;
    }
}
