using System.Globalization;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// TCP service names back to port numbers, from the services file tcpdump itself reads (getservent,
/// /etc/services) when run without -nn: "10.0.0.2.http" is port 80. Read once, on first need.
/// </summary>
internal sealed class ServiceNames
{
    private readonly string _path;
    private Dictionary<string, int>? _ports;

    public ServiceNames(string path = "/etc/services") => _path = path;

    public bool TryGetPort(ReadOnlySpan<char> name, out int port)
    {
        _ports ??= Load(_path);
        return _ports.TryGetValue(name.ToString(), out port); // rare: only lines printed without -nn
    }

    private static Dictionary<string, int> Load(string path)
    {
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var raw in File.ReadLines(path))
            {
                var line = raw.AsSpan();
                int hash = line.IndexOf('#');
                if (hash >= 0) line = line[..hash];
                var fields = line.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2) continue;
                int slash = fields[1].IndexOf('/');
                if (slash < 0 || fields[1][(slash + 1)..] != "tcp" || !int.TryParse(fields[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int port)) continue;
                foreach (var name in fields.Take(1).Concat(fields.Skip(2))) ports.TryAdd(name, port);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No services file: names stay unknown, and the notice asks for -nn.
        }
        return ports;
    }
}
