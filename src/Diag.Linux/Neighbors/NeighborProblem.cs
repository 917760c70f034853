namespace Diag.Linux.Neighbors;

/// <summary>What Get-NetNeighbor could not answer.</summary>
public enum NeighborProblemKind
{
    /// <summary>A -NetworkNamespace value matched no namespace.</summary>
    NamespaceNotFound = 1,

    /// <summary>A namespace could not be entered.</summary>
    NamespaceNotEntered,

    /// <summary>Namespaces found by "all" that could not be entered: counted once (Target lists them).</summary>
    NamespacesSkipped,

    /// <summary>rtnetlink refused or failed the dump.</summary>
    ReadFailed,

    /// <summary>An -IPAddress has no neighbour entry (nor has the gateway that reaches it).</summary>
    NoEntry,
}

/// <summary>One problem of a Get-NetNeighbor call; the cmdlet turns each into an error.</summary>
public sealed class NeighborProblem
{
    internal NeighborProblem(NeighborProblemKind kind, string target, int errno, string detail)
    {
        Kind = kind;
        Target = target;
        Errno = errno;
        Detail = detail;
    }

    public NeighborProblemKind Kind { get; }

    /// <summary>The namespace or address concerned, as the user named it.</summary>
    public string Target { get; }

    public int Errno { get; }

    /// <summary>Why, in words: for NoEntry, what a connect to it would go through.</summary>
    public string Detail { get; }

    public override string ToString() => $"{Kind} {Target}: {Detail}";
}
