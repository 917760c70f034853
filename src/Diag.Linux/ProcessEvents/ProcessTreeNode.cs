using System.Globalization;

namespace Diag.Linux.ProcessEvents;

/// <summary>
/// One line of the tree of processes seen during a watch (Watch-ProcessExec -Tree): who spawned whom. Processes
/// running the same program under the same parent are folded into one node (respawns), and so is a chain of a
/// program forking itself (a fork loop); <see cref="Processes"/> says how many it stands for.
/// </summary>
public sealed class ProcessTreeNode
{
    /// <summary>0 for a root (a process whose parent was not seen forking it).</summary>
    public int Depth { get; internal init; }

    /// <summary>The branch drawing that goes before the name: <c>│  ├─ </c>.</summary>
    public string Branch { get; internal init; } = "";

    public string Name { get; internal init; } = "";

    public string? Path { get; internal init; }

    /// <summary>The first process of the node.</summary>
    public int ProcessId { get; internal init; }

    public int ParentId { get; internal init; }

    /// <summary>How many processes the node stands for (1 unless folded).</summary>
    public int Processes { get; internal init; }

    /// <summary>The first command line the node's processes executed.</summary>
    public string? CommandLine { get; internal init; }

    public int Forks { get; internal init; }

    public int Execs { get; internal init; }

    public int Exits { get; internal init; }

    /// <summary>The first event of the node.</summary>
    public DateTime FirstSeen { get; internal init; }

    /// <summary>The last event of the node.</summary>
    public DateTime LastSeen { get; internal init; }

    /// <summary><c>├─ atd ×812 (4242)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Branch}{Name}{(Processes > 1 ? " ×" + Processes.ToString(CultureInfo.InvariantCulture) : "")} ({ProcessId})");
}
