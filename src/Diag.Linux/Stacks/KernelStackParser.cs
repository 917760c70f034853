using System.Globalization;

namespace Diag.Linux.Stacks;

/// <summary>Parses /proc/PID/task/TID/stack: "[&lt;0&gt;] do_epoll_wait+0x4b5/0x4e0" per frame, innermost
/// first, with " [module]" after functions of loadable modules (the address is hidden unless kptr_restrict allows).</summary>
internal static class KernelStackParser
{
    public static StackFrame[] Parse(string text)
    {
        var frames = new List<StackFrame>();
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty) continue;
            ulong address = 0;
            if (line.StartsWith("[<"))
            {
                var close = line.IndexOf(">]");
                if (close < 0) continue;
                ulong.TryParse(line[2..close], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out address);
                line = line[(close + 2)..].TrimStart();
            }
            string? module = null;
            if (line.EndsWith("]") && line.LastIndexOf(" [") is var open and > 0)
            {
                module = line[(open + 2)..^1].ToString();
                line = line[..open];
            }
            ulong? offset = null;
            var plus = line.LastIndexOf('+');
            if (plus > 0)
            {
                var numbers = line[(plus + 1)..];
                var slash = numbers.IndexOf('/');
                var first = slash < 0 ? numbers : numbers[..slash];
                if (first.StartsWith("0x") && ulong.TryParse(first[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var o))
                {
                    offset = o;
                    line = line[..plus];
                }
            }
            frames.Add(new StackFrame
            {
                Number = frames.Count,
                Address = address,
                Module = module,
                Function = line.ToString(),
                Offset = offset,
                KindValue = FrameKind.Kernel,
            });
        }
        return frames.ToArray();
    }
}
