using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>
/// Brings a line of either tool to one canonical text, so that two lines compare equal when they carry
/// the same information: string escapes in one style (strace's octal and Diag's hex become the same
/// bytes), flags of a group in sorted order, strace's long socket addresses in Diag's compact form,
/// process and thread ids numbered by their order of appearance, errno descriptions dropped. Values that
/// differ between two runs of the same command whoever traces it (random bytes, clocks, ephemeral ports,
/// free disk blocks, CPU times) are replaced by a marker.
/// </summary>
internal sealed partial class LineNormalizer
{
    private readonly IReadOnlyDictionary<long, string> _pids;
    private readonly long _tracer;

    /// <param name="pids">Every pid and tid of the trace, mapped to a name shared by both tools' traces.</param>
    /// <param name="tracer">The process that started the root (strace, or the host of Diag's engine).</param>
    public LineNormalizer(IReadOnlyDictionary<long, string> pids, long tracer)
    {
        _pids = pids;
        _tracer = tracer;
    }

    public string Arguments(TraceLine line)
    {
        var text = line.Arguments;
        if (line.Kind == TraceLineKind.Call)
            text = CallSpecific(line.Name, text);
        if (line.Kind == TraceLineKind.Signal)
            text = CpuTimes().Replace(text, "si_utime=T, si_stime=T");
        text = Sockaddrs(text);
        text = Strings(text);
        text = AbsoluteTimes().Replace(text, "{tv_sec=T, tv_nsec=T}");
        text = EphemeralPorts().Replace(text, m => m.Groups[1].Value + ":EPHEMERAL");
        text = IoctlAlias().Replace(text, "$1");
        text = PidFields().Replace(text, m => m.Groups[1].Value + Pid(m.Groups[2].Value) + m.Groups[3].Value);
        if (line.Kind == TraceLineKind.Call && PidArguments.TryGetValue(line.Name, out var count))
            text = LeadingNumbers().Replace(text, m => Pid(m.Value), count);
        return SortFlags(text);
    }

    /// <summary>Calls whose first arguments are process or thread ids, and how many.</summary>
    private static readonly Dictionary<string, int> PidArguments = new()
    {
        ["kill"] = 1, ["tkill"] = 1, ["tgkill"] = 2, ["wait4"] = 1, ["getpgid"] = 1, ["setpgid"] = 2, ["getsid"] = 1,
        ["prlimit64"] = 1, ["sched_getaffinity"] = 1, ["sched_setaffinity"] = 1, ["pidfd_open"] = 1, ["rt_sigqueueinfo"] = 1,
        ["rt_tgsigqueueinfo"] = 2, ["process_vm_readv"] = 1,
    };

    /// <summary>Calls that return a process or thread id (rt_sigreturn returns what the interrupted call did).</summary>
    private static readonly HashSet<string> PidReturns =
        ["clone", "clone3", "fork", "vfork", "wait4", "waitid", "getpid", "gettid", "getppid", "set_tid_address", "rt_sigreturn", "getpgrp", "setsid", "getpgid", "getsid"];

    public string Returned(TraceLine line)
    {
        var text = ErrnoDescription().Replace(line.Returned, "$1");
        text = Left().Replace(text, "left {T}");
        if (PidReturns.Contains(line.Name))
            text = LeadingNumbers().Replace(text, m => Pid(m.Value), 1);
        return SortFlags(text);
    }

    private string Pid(string number)
    {
        if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            return number;
        if (n == _tracer)
            return "TRACER";
        return _pids.TryGetValue(n, out var name) ? name : number;
    }

    private static string CallSpecific(string name, string text) => name switch
    {
        // Random bytes, the machine's load and free memory, and free blocks change from run to run.
        "getrandom" => QuotedString().Replace(text, "\"RANDOM\"", 1),
        "sysinfo" => "SYSINFO",
        "statfs" or "fstatfs" => FreeBlocks().Replace(text, "$1=N"),
        // Deadlines on a clock (absolute times) and the time left after an interruption depend on when the
        // command ran.
        "clock_nanosleep" when text.Contains("TIMER_ABSTIME", StringComparison.Ordinal) => Timespec().Replace(text, "{tv_sec=T, tv_nsec=T}"),
        "futex" when text.Contains("_BITSET", StringComparison.Ordinal) || text.Contains("LOCK_PI", StringComparison.Ordinal)
            => Timespec().Replace(text, "{tv_sec=T, tv_nsec=T}"),
        "timer_settime" or "timerfd_settime" when text.Contains("ABSTIME", StringComparison.Ordinal) => Timespec().Replace(text, "{tv_sec=T, tv_nsec=T}"),
        "nanosleep" or "clock_nanosleep" => RemainingTime().Replace(text, ", {tv_sec=T, tv_nsec=T}"),
        _ => text,
    };

    /// <summary>strace's <c>{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}</c>
    /// and its IPv6 and Unix forms in Diag's compact form: <c>127.0.0.1:80</c>, <c>[::1]:80</c>, <c>"/run/x"</c>.</summary>
    private static string Sockaddrs(string text)
    {
        text = Inet().Replace(text, "$2:$1");
        text = Inet6().Replace(text, m => "[" + m.Groups[2].Value + (m.Groups[3].Value == "0" ? "" : "%" + m.Groups[3].Value) + "]:" + m.Groups[1].Value);
        text = UnixPath().Replace(text, m => m.Groups[1].Value == "@" ? "\"@" + m.Groups[2].Value[1..] : m.Groups[2].Value);
        return text;
    }

    /// <summary>Every quoted string re-escaped one way: printable ASCII as is, everything else \xNN.</summary>
    private static string Strings(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '"')
            {
                result.Append(text[i++]);
                continue;
            }
            var bytes = new List<byte>();
            i++;
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] != '\\' || i + 1 >= text.Length)
                {
                    bytes.Add((byte)text[i++]);
                    continue;
                }
                var e = text[i + 1];
                i += 2;
                switch (e)
                {
                    case 'n': bytes.Add((byte)'\n'); break;
                    case 't': bytes.Add((byte)'\t'); break;
                    case 'r': bytes.Add((byte)'\r'); break;
                    case 'v': bytes.Add(0x0b); break;
                    case 'f': bytes.Add(0x0c); break;
                    case 'x':
                        var hex = 0;
                        var digits = 0;
                        while (digits < 2 && i < text.Length && Uri.IsHexDigit(text[i]))
                        {
                            hex = hex * 16 + Convert.ToInt32(text[i].ToString(), 16);
                            i++;
                            digits++;
                        }
                        bytes.Add((byte)hex);
                        break;
                    case >= '0' and <= '7':
                        var octal = e - '0';
                        for (var d = 0; d < 2 && i < text.Length && text[i] is >= '0' and <= '7'; d++)
                            octal = octal * 8 + (text[i++] - '0');
                        bytes.Add((byte)octal);
                        break;
                    default:
                        bytes.Add((byte)e);
                        break;
                }
            }
            i++; // the closing quote
            result.Append('"');
            foreach (var b in bytes)
            {
                if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
                    result.Append((char)b);
                else
                    result.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
            result.Append('"');
        }
        return result.ToString();
    }

    /// <summary>Flag groups in a fixed order: strace and Diag may list the same flags differently.</summary>
    private static string SortFlags(string text) =>
        FlagGroup().Replace(text, m => string.Join('|', m.Value.Split('|').Order(StringComparer.Ordinal)));

    [GeneratedRegex(@"\{sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\(""([0-9.]+)""\)\}")]
    private static partial Regex Inet();

    [GeneratedRegex(@"\{sa_family=AF_INET6, sin6_port=htons\((\d+)\), sin6_flowinfo=htonl\(\d+\), inet_pton\(AF_INET6, ""([0-9a-fA-F:.]+)"", &sin6_addr\), sin6_scope_id=(\d+)\}")]
    private static partial Regex Inet6();

    [GeneratedRegex(@"\{sa_family=AF_UNIX, sun_path=(@?)(""(?:[^""\\]|\\.)*"")\}")]
    private static partial Regex UnixPath();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"(f_bfree|f_bavail|f_ffree|f_files)=\d+")]
    private static partial Regex FreeBlocks();

    [GeneratedRegex(@"si_utime=\d+, si_stime=\d+")]
    private static partial Regex CpuTimes();

    /// <summary>Absolute times (a monotonic or realtime deadline): more than a day since the clock's start.</summary>
    [GeneratedRegex(@"\{tv_sec=\d{6,}, tv_nsec=\d+\}")]
    private static partial Regex AbsoluteTimes();

    [GeneratedRegex(@"\{tv_sec=\d+, tv_nsec=\d+\}")]
    private static partial Regex Timespec();

    [GeneratedRegex(@", \{tv_sec=\d+, tv_nsec=\d+\}$")]
    private static partial Regex RemainingTime();

    [GeneratedRegex(@"left \{tv_sec=\d+, tv_(?:n|u)sec=\d+\}")]
    private static partial Regex Left();

    [GeneratedRegex(@"((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:.%]+\]):(3[2-9]\d{3}|[4-5]\d{4}|6[0-5]\d{3})\b")]
    private static partial Regex EphemeralPorts();

    [GeneratedRegex(@"(?<![\w.])-?\d+(?![\w.])")]
    private static partial Regex LeadingNumbers();

    /// <summary>Fields that hold a pid or tid: si_pid, a netlink port (the pid by default), clone's parent_tid, /proc/PID paths.</summary>
    [GeneratedRegex(@"(si_pid=|nl_pid=|parent_tid=\[|/proc/)(\d+)(\b)")]
    private static partial Regex PidFields();

    /// <summary>strace names an ioctl request two drivers share <c>BTRFS_IOC_CLONE or FICLONE</c>.</summary>
    [GeneratedRegex(@"\b[A-Z][A-Z0-9_]+ or ([A-Z][A-Z0-9_]+)\b")]
    private static partial Regex IoctlAlias();

    [GeneratedRegex(@"(-1 E[A-Z0-9_]+|\? ERESTART[A-Z_]*) \([^)]*\)$")]
    private static partial Regex ErrnoDescription();

    [GeneratedRegex(@"[A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)+")]
    private static partial Regex FlagGroup();
}
