namespace Diag.Linux.Conntrack;

/// <summary>What went wrong for one namespace (or one thing the user asked for); the cmdlet turns each into an error.</summary>
public enum ConntrackProblemKind
{
    /// <summary>A -NetworkNamespace value matched no namespace.</summary>
    NamespaceNotFound = 1,

    /// <summary>A namespace could not be entered (not root, or a security module refused).</summary>
    NamespaceNotEntered,

    /// <summary>Namespaces found by "all" that could not be entered: counted once.</summary>
    NamespacesSkipped,

    /// <summary>The namespace's counters could not be read at all.</summary>
    CountersUnreadable,
}

/// <summary>One problem of a Test-ConntrackCapacity run.</summary>
public sealed class ConntrackProblem
{
    internal ConntrackProblem(ConntrackProblemKind kind, string target, int errno, string detail)
    {
        Kind = kind;
        Target = target;
        Errno = errno;
        Detail = detail;
    }

    public ConntrackProblemKind Kind { get; }

    /// <summary>The namespace (as the user named it, or its label and inode).</summary>
    public string Target { get; }

    /// <summary>The errno behind it, 0 when none.</summary>
    public int Errno { get; }

    /// <summary>Why, in words (for NamespacesSkipped: the namespaces, listed).</summary>
    public string Detail { get; }

    /// <summary>For a namespace selected by process: the process (it may have exited).</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>For NamespacesSkipped: how many.</summary>
    public int Count { get; internal init; } = 1;

    public override string ToString() => $"{Kind} {Target}: {Detail}";
}
