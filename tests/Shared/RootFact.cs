namespace Diag.TestSupport;

/// <summary>A test that needs root (loading BPF programs, entering namespaces, acting as another user through setpriv):
/// skipped with the reason when the suite does not run as root, instead of failing. CI runs as root, so there it runs.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!RunningAsRoot.Value) Skip = RunningAsRoot.Reason;
    }
}

/// <summary>The <see cref="TheoryAttribute"/> form of <see cref="RootFactAttribute"/>.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!RunningAsRoot.Value) Skip = RunningAsRoot.Reason;
    }
}

internal static class RunningAsRoot
{
    public const string Reason = "needs root (BPF, namespaces or another user's credentials); the suite runs as root in CI";

    // Effective uid 0, read from /proc so that the test support needs no native call.
    public static readonly bool Value = File.ReadLines("/proc/self/status")
        .First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
        .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
