using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Names for an enumeration-like argument (<c>SEEK_SET</c>, <c>AF_INET</c>); unknown values print as decimal.</summary>
internal sealed class ValueNames
{
    private readonly Dictionary<long, string> _names;

    public ValueNames(params (string Name, long Value)[] values)
    {
        _names = new Dictionary<long, string>(values.Length);
        // The first name given for a value wins (AF_UNIX before AF_LOCAL).
        foreach (var (name, value) in values)
            _names.TryAdd(value, name);
    }

    public bool TryGetName(long value, out string name) => _names.TryGetValue(value, out name!);

    public string Format(long value) =>
        _names.TryGetValue(value, out var name) ? name : value.ToString(CultureInfo.InvariantCulture);
}
