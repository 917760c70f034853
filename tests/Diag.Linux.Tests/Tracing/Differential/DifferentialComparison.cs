using System.Globalization;
using System.Text;

namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>
/// Compares one command's two traces. Threads are paired from the root down, through the values their
/// creating calls returned (clone, clone3, fork, vfork); each pair's lines are aligned on their keys
/// (the syscall, the signal, the exit), and each aligned pair compared after normalisation
/// (<see cref="LineNormalizer"/>): the arguments, and apart from them the return value.
/// </summary>
internal sealed class DifferentialComparison
{
    public int StraceCalls { get; private set; }
    public int DiagCalls { get; private set; }
    public int AlignedCalls { get; private set; }
    public int EquivalentCalls { get; private set; }
    public int EquivalentReturns { get; private set; }
    public int StraceSignals { get; private set; }
    public int DiagSignals { get; private set; }

    /// <summary>SIGCHLDs strace showed where Diag's run had fewer: children that end together may each
    /// send one or share one (the kernel merges a standard signal that is already pending), differently
    /// in any two runs of the same command.</summary>
    public int MergedSignals { get; private set; }
    public int MatchedSignals { get; private set; }
    public int StraceExits { get; private set; }
    public int MatchedExits { get; private set; }
    public int StraceThreads { get; private set; }
    public int PairedThreads { get; private set; }

    /// <summary>Lines that differ: (syscall, what strace showed, what Diag showed, the command), normalised.</summary>
    public List<(string Name, string Strace, string Diag, string Command)> Differences { get; } = new();

    /// <summary>strace lines with no counterpart, and which thread they came from.</summary>
    public List<string> Missing { get; } = new();

    private string _command = "";

    public static DifferentialComparison Compare(ThreadLines strace, ThreadLines diag, string command)
    {
        var comparison = new DifferentialComparison { _command = command };
        comparison.Run(strace, diag);
        return comparison;
    }

    public void Add(DifferentialComparison other)
    {
        StraceCalls += other.StraceCalls;
        DiagCalls += other.DiagCalls;
        AlignedCalls += other.AlignedCalls;
        EquivalentCalls += other.EquivalentCalls;
        EquivalentReturns += other.EquivalentReturns;
        StraceSignals += other.StraceSignals;
        DiagSignals += other.DiagSignals;
        MergedSignals += other.MergedSignals;
        MatchedSignals += other.MatchedSignals;
        StraceExits += other.StraceExits;
        MatchedExits += other.MatchedExits;
        StraceThreads += other.StraceThreads;
        PairedThreads += other.PairedThreads;
        Differences.AddRange(other.Differences);
        Missing.AddRange(other.Missing);
    }

    private void Run(ThreadLines strace, ThreadLines diag)
    {
        StraceThreads = strace.ByThread.Count;
        foreach (var lines in strace.ByThread.Values)
        {
            StraceCalls += lines.Count(l => l.Kind == TraceLineKind.Call);
            StraceSignals += lines.Count(l => l.Kind == TraceLineKind.Signal);
            StraceExits += lines.Count(l => l.Kind == TraceLineKind.Exit);
        }
        DiagCalls = diag.ByThread.Values.Sum(lines => lines.Count(l => l.Kind == TraceLineKind.Call));
        DiagSignals = diag.ByThread.Values.Sum(lines => lines.Count(l => l.Kind == TraceLineKind.Signal));

        // Pair the threads: the roots, then the children each pair's aligned creating calls returned.
        var pairs = new List<(int Strace, int Diag)>();
        var alignments = new Dictionary<(int, int), List<(int, int)>>();
        var queue = new Queue<(int, int)>();
        queue.Enqueue((strace.RootThreadId, diag.RootThreadId));
        var pairedStrace = new HashSet<int>();
        var pairedDiag = new HashSet<int>();
        while (queue.Count > 0)
        {
            var (s, d) = queue.Dequeue();
            if (!strace.ByThread.TryGetValue(s, out var sLines) || !diag.ByThread.TryGetValue(d, out var dLines)
                || !pairedStrace.Add(s) || !pairedDiag.Add(d))
                continue;
            pairs.Add((s, d));
            var aligned = SequenceAlignment.Align(sLines.Select(l => l.Key).ToList(), dLines.Select(l => l.Key).ToList());
            alignments[(s, d)] = aligned;
            foreach (var (i, j) in aligned)
            {
                var line = sLines[i];
                if (line.Kind == TraceLineKind.Call && line.Name is "clone" or "clone3" or "fork" or "vfork"
                    && Child(line) is { } sChild && Child(dLines[j]) is { } dChild)
                    queue.Enqueue((sChild, dChild));
            }
        }
        // Children whose creating calls did not align (two runs interleave a shell's clones and wait4s
        // differently) are paired by what they did first: the program they executed, or their first calls.
        foreach (var (sTid, sLines) in strace.ByThread)
        {
            if (pairedStrace.Contains(sTid))
                continue;
            var signature = Signature(sLines);
            foreach (var (dTid, dLines) in diag.ByThread)
            {
                if (pairedDiag.Contains(dTid) || Signature(dLines) != signature)
                    continue;
                pairedStrace.Add(sTid);
                pairedDiag.Add(dTid);
                pairs.Add((sTid, dTid));
                alignments[(sTid, dTid)] = SequenceAlignment.Align(sLines.Select(l => l.Key).ToList(), dLines.Select(l => l.Key).ToList());
                break;
            }
        }
        PairedThreads = pairs.Count;

        // Every id of a paired thread gets one name in both traces.
        var straceNames = new Dictionary<long, string>();
        var diagNames = new Dictionary<long, string>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var name = "TID" + i.ToString(CultureInfo.InvariantCulture);
            straceNames[pairs[i].Strace] = name;
            diagNames[pairs[i].Diag] = name;
        }
        var straceNormalizer = new LineNormalizer(straceNames, strace.TracerProcessId);
        var diagNormalizer = new LineNormalizer(diagNames, diag.TracerProcessId);

        foreach (var (s, d) in pairs)
        {
            var sLines = strace.ByThread[s];
            var dLines = diag.ByThread[d];
            var matched = new HashSet<int>();
            // A signal comes when it comes: two runs see it between different calls. Each one strace shows
            // counts as present when Diag shows the same signal on the paired thread.
            var diagSignals = dLines.Where(l => l.Kind == TraceLineKind.Signal).GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.Count());
            for (var i = 0; i < sLines.Count; i++)
            {
                if (sLines[i].Kind != TraceLineKind.Signal)
                    continue;
                if (diagSignals.TryGetValue(sLines[i].Name, out var left) && left > 0)
                {
                    diagSignals[sLines[i].Name] = left - 1;
                    MatchedSignals++;
                    matched.Add(i);
                }
                else if (sLines[i].Name == "SIGCHLD" && diagSignals.ContainsKey("SIGCHLD"))
                {
                    MergedSignals++;
                    matched.Add(i);
                }
            }
            foreach (var (i, j) in alignments[(s, d)])
            {
                var sLine = sLines[i];
                if (sLine.Kind == TraceLineKind.Signal)
                    continue;
                matched.Add(i);
                var dLine = dLines[j];
                switch (sLine.Kind)
                {
                    case TraceLineKind.Signal:
                        break;
                    case TraceLineKind.Exit:
                        MatchedExits++;
                        if (sLine.Arguments != dLine.Arguments)
                            Differences.Add(("+++", sLine.Text, dLine.Text, _command));
                        break;
                    case TraceLineKind.Call:
                        AlignedCalls++;
                        var sArgs = straceNormalizer.Arguments(sLine);
                        var dArgs = diagNormalizer.Arguments(dLine);
                        var sReturn = straceNormalizer.Returned(sLine);
                        var dReturn = diagNormalizer.Returned(dLine);
                        if (sReturn == dReturn)
                            EquivalentReturns++;
                        if (sArgs == dArgs && sReturn == dReturn)
                            EquivalentCalls++;
                        else
                            Differences.Add((sLine.Name, $"{sLine.Name}({sArgs}) = {sReturn}", $"{dLine.Name}({dArgs}) = {dReturn}", _command));
                        break;
                }
            }
            for (var i = 0; i < sLines.Count; i++)
                if (!matched.Contains(i))
                    Missing.Add("[" + (_command.Length > 40 ? _command[..40] : _command) + "] " + sLines[i].Text);
        }
        foreach (var (tid, lines) in strace.ByThread)
            if (!pairedStrace.Contains(tid))
                Missing.AddRange(lines.Select(l => "[unpaired thread] " + l.Text));
    }

    /// <summary>What a thread did: the argv of its first execve; without one (a subshell), the calls it
    /// made and the signals it got, which tell apart the subshells of one shell.</summary>
    private static string Signature(List<TraceLine> lines) =>
        lines.FirstOrDefault(l => l.Kind == TraceLineKind.Call && l.Name == "execve") is { } exec
            ? exec.Arguments[..Math.Max(0, exec.Arguments.LastIndexOf(", ", StringComparison.Ordinal))]
            : string.Join(' ', lines.Where(l => l.Kind != TraceLineKind.Call || l.Name is "clone" or "clone3" or "fork" or "vfork" or "execve" or "exit_group")
                .Select(l => l.Key).Prepend(string.Join(' ', lines.Take(5).Select(l => l.Key))));

    private static int? Child(TraceLine line) =>
        int.TryParse(line.Returned.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var child) && child > 0 ? child : null;

    public static double Percent(int part, int whole) => whole == 0 ? 100 : 100.0 * part / whole;

    /// <summary>The figures as the README quotes them.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{StraceCalls} calls by strace ({DiagCalls} by Diag) in {StraceThreads} processes and threads ({PairedThreads} paired); " +
        $"aligned {AlignedCalls} ({Percent(AlignedCalls, StraceCalls):F1}%); " +
        $"equivalent calls {EquivalentCalls} ({Percent(EquivalentCalls, StraceCalls):F2}% of strace's); " +
        $"equivalent returns {EquivalentReturns} ({Percent(EquivalentReturns, AlignedCalls):F2}% of aligned); " +
        $"signals {MatchedSignals}/{StraceSignals} (+{MergedSignals} SIGCHLD merged in Diag's run; Diag saw {DiagSignals}); exits {MatchedExits}/{StraceExits}");

    /// <summary>The differences by syscall, most frequent first, with an example each.</summary>
    public string Report(int examplesPerSyscall = 3)
    {
        var text = new StringBuilder();
        foreach (var group in Differences.GroupBy(d => d.Name).OrderByDescending(g => g.Count()))
        {
            text.Append(CultureInfo.InvariantCulture, $"{group.Key}: {group.Count()}\n");
            foreach (var (_, s, d, command) in group.Take(examplesPerSyscall))
                text.Append("  [").Append(command.Length > 60 ? command[..60] : command).Append("]\n")
                    .Append("  strace: ").Append(s).Append('\n').Append("  diag:   ").Append(d).Append('\n');
        }
        foreach (var line in Missing.Where(l => l.Contains("] --- ", StringComparison.Ordinal) || l.Contains("] +++ ", StringComparison.Ordinal)))
            text.Append("signal or exit not matched: ").Append(line).Append('\n');
        if (Missing.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"not matched ({Missing.Count}):\n");
            foreach (var line in Missing.Take(40))
                text.Append("  ").Append(line).Append('\n');
        }
        return text.ToString();
    }
}
