using System.Text;

namespace Diag.Linux.Bpf;

/// <summary>The name the kernel keeps for a program or map (what bpftool and /proc/PID/fdinfo show).</summary>
internal static unsafe class BpfObjectName
{
    /// <summary>At most 15 characters of [A-Za-z0-9_.] (others are refused by the kernel), NUL-terminated.</summary>
    public const int MaxLength = 15;

    public static void Write(byte* destination, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        for (var i = 0; i < bytes.Length && i < MaxLength; i++)
            destination[i] = bytes[i];
    }
}
