namespace Diag.Linux.MemoryStalls;

/// <summary>One thing to do about a memory stall: what it changes and why (<see cref="Action"/>), the commands or settings
/// to apply, one per step so each can be copied whole (<see cref="Steps"/>), and what it costs (<see cref="Cost"/>).</summary>
public sealed class MemoryRemedy
{
    internal MemoryRemedy(string action, IEnumerable<string> steps, string cost)
    {
        Action = action;
        Steps = Output.ItemList.Of(steps);
        Cost = cost;
    }

    /// <summary>What to change and why it helps.</summary>
    public string Action { get; }

    /// <summary>The commands and lasting settings, one per step.</summary>
    public Output.ItemList<string> Steps { get; }

    /// <summary>What it costs.</summary>
    public string Cost { get; }

    public override string ToString() => $"{Action}: {string.Join("; ", Steps)} (cost: {Cost})";
}
