using System.Security.Cryptography;
using System.Text;

namespace Diag.Linux.Tests.Packages;

/// <summary>
/// A machine root in a temporary directory with a dpkg database written as dpkg writes it (status stanzas with
/// Conffiles, info/NAME[:ARCH].list and .md5sums, diversions, statoverride, an alternatives file) and merged /usr
/// (bin → usr/bin): the cases a test machine does not have in a known state, made for real on disk.
/// </summary>
internal sealed class PackageTreeFixture : IDisposable
{
    public PackageTreeFixture()
    {
        Root = Directory.CreateTempSubdirectory($"diag-pkgroot-{Environment.ProcessId}-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(Root, "usr/sbin"));
        File.CreateSymbolicLink(Path.Combine(Root, "bin"), "usr/bin");
        File.CreateSymbolicLink(Path.Combine(Root, "sbin"), "usr/sbin");
        Directory.CreateDirectory(Path.Combine(Root, "var/lib/dpkg/info"));
        Directory.CreateDirectory(Path.Combine(Root, "var/lib/dpkg/alternatives"));
        Directory.CreateDirectory(Path.Combine(Root, "etc/alternatives"));
    }

    public string Root { get; }

    private readonly StringBuilder _status = new();
    private readonly List<string> _diversions = new();

    /// <summary>Writes a file under the root.</summary>
    public void WriteFile(string path, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)
    {
        var host = Host(path);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        File.WriteAllText(host, content);
        File.SetUnixFileMode(host, mode);
    }

    public string Host(string path) => Path.Combine(Root, path.TrimStart('/'));

    /// <summary>A package: its stanza, its .list (directories first, as dpkg writes them) and its .md5sums of the files
    /// given with content (digests of that content, whatever is on disk later).</summary>
    public void AddPackage(string name, string version, IEnumerable<(string Path, string? Content)> files, string architecture = "amd64",
        bool multiArchSame = false, IEnumerable<(string Path, string Content)>? conffiles = null, bool md5sums = true, string state = "installed")
    {
        var infoName = multiArchSame ? name + ":" + architecture : name;
        var list = new List<string> { "/." };
        var sums = new StringBuilder();
        foreach (var (path, content) in files.Concat((conffiles ?? []).Select(c => (c.Path, (string?)c.Content))))
        {
            for (var dir = Path.GetDirectoryName(path); dir is not null && dir != "/"; dir = Path.GetDirectoryName(dir))
                if (!list.Contains(dir)) list.Insert(1, dir);
            list.Add(path);
            if (content is not null && !(conffiles ?? []).Any(c => c.Path == path)) sums.Append(Md5(content)).Append("  ").Append(path.TrimStart('/')).Append('\n');
        }
        File.WriteAllLines(Host($"/var/lib/dpkg/info/{infoName}.list"), list);
        if (md5sums) File.WriteAllText(Host($"/var/lib/dpkg/info/{infoName}.md5sums"), sums.ToString());
        _status.Append($"Package: {name}\nStatus: install ok {state}\nPriority: optional\nArchitecture: {architecture}\n");
        if (multiArchSame) _status.Append("Multi-Arch: same\n");
        _status.Append($"Version: {version}\n");
        if (conffiles is not null)
        {
            _status.Append("Conffiles:\n");
            foreach (var (path, content) in conffiles) _status.Append($" {path} {Md5(content)}\n");
        }
        _status.Append("Description: fixture package\n a test fixture\n\n");
        File.WriteAllText(Host("/var/lib/dpkg/status"), _status.ToString());
    }

    public void AddDiversion(string from, string to, string? by)
    {
        _diversions.AddRange([from, to, by ?? ":"]);
        File.WriteAllLines(Host("/var/lib/dpkg/diversions"), _diversions);
    }

    public void AddStatOverride(string line) => File.AppendAllText(Host("/var/lib/dpkg/statoverride"), line + "\n");

    public static string Md5(string content) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
