using System.Globalization;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Privileges;

/// <summary>One thread's privileges as /proc/PID/task/TID/status states them: uids, the five capability sets,
/// no_new_privs and seccomp.</summary>
internal readonly record struct CapabilitySets(
    uint RealUid, uint EffectiveUid, uint SavedUid, uint RealGid, uint EffectiveGid,
    ulong Inheritable, ulong Permitted, ulong Effective, ulong Bounding, ulong Ambient,
    bool NoNewPrivs, SeccompMode Seccomp, int SeccompFilters)
{
    /// <summary>The thread's sets; null when the file cannot be read (the thread exited).</summary>
    public static (CapabilitySets Sets, string Name)? Read(string statusPath)
    {
        byte[] text;
        try
        {
            text = File.ReadAllBytes(statusPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Parse(text);
    }

    public static (CapabilitySets Sets, string Name)? Parse(ReadOnlySpan<byte> text)
    {
        if (!StatusText.Has(text, "\nCapEff:"u8)) return null;
        var uids = StatusText.Numbers(StatusText.ValueOf(text, "\nUid:"u8));
        var gids = StatusText.Numbers(StatusText.ValueOf(text, "\nGid:"u8));
        var name = System.Text.Encoding.UTF8.GetString(StatusText.ValueOf(text, "\nName:"u8)).Trim();
        return (new CapabilitySets(
            At(uids, 0), At(uids, 1), At(uids, 2), At(gids, 0), At(gids, 1),
            StatusText.Hex(StatusText.ValueOf(text, "\nCapInh:"u8)),
            StatusText.Hex(StatusText.ValueOf(text, "\nCapPrm:"u8)),
            StatusText.Hex(StatusText.ValueOf(text, "\nCapEff:"u8)),
            StatusText.Hex(StatusText.ValueOf(text, "\nCapBnd:"u8)),
            StatusText.Hex(StatusText.ValueOf(text, "\nCapAmb:"u8)),
            StatusText.FirstNumber(StatusText.ValueOf(text, "\nNoNewPrivs:"u8)) == 1,
            (SeccompMode)StatusText.FirstNumber(StatusText.ValueOf(text, "\nSeccomp:"u8)),
            (int)StatusText.FirstNumber(StatusText.ValueOf(text, "\nSeccomp_filters:"u8))), name);
    }

    private static uint At(uint[] values, int i) => i < values.Length ? values[i] : 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"uid {RealUid}/{EffectiveUid} inh {Inheritable:x} prm {Permitted:x} eff {Effective:x} bnd {Bounding:x} amb {Ambient:x} nnp {NoNewPrivs} seccomp {Seccomp}");
}
