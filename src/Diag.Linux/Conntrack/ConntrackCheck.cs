using Diag.Linux.CoreDumps;

namespace Diag.Linux.Conntrack;

/// <summary>
/// One line of the conntrack checklist of a network namespace: what was checked, what was found, what it should be,
/// why it matters and the exact command that fixes it. A property of <see cref="ConntrackReport"/> (its Checks).
/// </summary>
public sealed class ConntrackCheck
{
    internal ConntrackCheck(ConntrackCheckName name, CheckStatus status, ulong networkNamespace)
    {
        CheckName = name;
        StatusValue = status;
        NetworkNamespace = networkNamespace;
    }

    /// <summary>What this line checks (Capacity, TableFullDrops, …): a string, so that it reads the same in a table,
    /// after remoting, in CSV and in JSON.</summary>
    public string Check => CheckName.ToString();

    /// <summary>Pass, Warning, Fail or Info.</summary>
    public string Status => StatusValue.ToString();

    internal ConntrackCheckName CheckName { get; }

    internal CheckStatus StatusValue { get; }

    /// <summary>The network namespace checked (its inode, as in <c>net:[4026531840]</c>).</summary>
    public ulong NetworkNamespace { get; }

    /// <summary>What was found, e.g. <c>262144 of 262144 entries (100 %)</c>.</summary>
    public string Actual { get; internal init; } = "";

    /// <summary>What is healthy, e.g. <c>below 80 % of nf_conntrack_max</c>.</summary>
    public string Expected { get; internal init; } = "";

    /// <summary>Why it matters, in a sentence or two.</summary>
    public string Message { get; internal init; } = "";

    /// <summary>The command that fixes it (one per line where it takes several); empty when nothing needs fixing.
    /// Diag never runs it.</summary>
    public string Remedy { get; internal init; } = "";

    public override string ToString() => $"{Status} {Check}: {Actual}" + (Remedy.Length > 0 ? $" -> {Remedy.Replace('\n', ';')}" : "");
}
