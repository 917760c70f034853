using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Names for a bit mask, printed strace-style: <c>MAP_PRIVATE|MAP_ANONYMOUS</c>, leftover bits as
/// <c>|0x...</c>. Flags are matched in the order given, so a multi-bit flag (O_SYNC) listed before
/// its parts (O_DSYNC) wins.
/// </summary>
internal sealed class FlagSet
{
    private readonly (string Name, ulong Value)[] _flags;
    private readonly string _zero;

    public FlagSet(string zero, params (string Name, ulong Value)[] flags)
    {
        _zero = zero;
        _flags = flags;
    }

    public string Format(ulong value)
    {
        if (value == 0)
            return _zero;
        var text = new StringBuilder();
        var left = value;
        foreach (var (name, bits) in _flags)
        {
            if (bits != 0 && (left & bits) == bits)
            {
                Append(text, name);
                left &= ~bits;
            }
        }
        if (left != 0)
            Append(text, "0x" + left.ToString("x", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static void Append(StringBuilder text, string part)
    {
        if (text.Length > 0)
            text.Append('|');
        text.Append(part);
    }
}
