using System.Text;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Privileges;

/// <summary>
/// Capability sets as libcap's cap_to_text writes them (what getcap prints): the flag combination most common among
/// this kernel's capabilities becomes the base ("=ep" for all=ep, nothing when it is empty), then each other combination
/// lists its capabilities with what it adds (+) and removes (-) from the base, combinations taken from eip down to none.
/// With an empty base the first group is written with "=" ("cap_net_raw=ep"). Flags are written in e, i, p order.
/// </summary>
internal static class CapabilityText
{
    // libcap's order of combinations counts effective as 1, permitted as 2 and inheritable as 4.
    private const int E = 1, P = 2, I = 4;

    public static string Format(ulong effective, ulong permitted, ulong inheritable)
    {
        int Flags(int bit) => (Capabilities.Has(effective, bit) ? E : 0) | (Capabilities.Has(permitted, bit) ? P : 0) | (Capabilities.Has(inheritable, bit) ? I : 0);

        // The base is the combination most capabilities of this kernel share (cap_last_cap), ties to fewer flags;
        // bits the kernel does not have are left out, as libcap leaves them out.
        int last = LastCapability;
        var histogram = new int[8];
        for (int bit = 0; bit <= last; bit++) histogram[Flags(bit)]++;
        int m = 7;
        for (int t = 6; t >= 0; t--)
            if (histogram[t] >= histogram[m]) m = t;

        var text = new StringBuilder();
        if (m != 0) text.Append('=').Append(Letters(m));
        bool first = m == 0;
        for (int t = 7; t >= 0; t--)
        {
            if (t == m || histogram[t] == 0) continue;
            if (text.Length > 0) text.Append(' ');
            var names = new List<string>();
            for (int bit = 0; bit <= last; bit++)
                if (Flags(bit) == t) names.Add(Capabilities.TextNameOf(bit));
            text.Append(string.Join(',', names));
            if (first)
            {
                text.Append('=').Append(Letters(t));
                first = false;
                continue;
            }
            if ((t & ~m) != 0) text.Append('+').Append(Letters(t & ~m));
            if ((~t & m) != 0) text.Append('-').Append(Letters(~t & m));
        }
        // Nothing at all reads "=", as getpcaps prints a process without capabilities.
        return text.Length == 0 ? "=" : text.ToString();
    }

    /// <summary>The kernel's highest capability (from its mask of known capabilities).</summary>
    private static int LastCapability => 63 - System.Numerics.BitOperations.LeadingZeroCount(ExecCapabilities.KnownMask);

    private static string Letters(int flags) => ((flags & E) != 0 ? "e" : "") + ((flags & I) != 0 ? "i" : "") + ((flags & P) != 0 ? "p" : "");
}
