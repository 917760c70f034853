namespace Diag.Linux.Privileges;

/// <summary>One capability a file grants, with its flags: Permitted (p, granted at exec), Inheritable (i, granted
/// if the process's inheritable set has it too) and Effective (e, raised at exec, for programs that do not raise it themselves).</summary>
public sealed class FileCapabilityEntry
{
    internal FileCapabilityEntry(string name, int number, bool permitted, bool inheritable, bool effective)
    {
        Name = name;
        Number = number;
        Permitted = permitted;
        Inheritable = inheritable;
        Effective = effective;
    }

    /// <summary>As getcap spells it: cap_net_raw.</summary>
    public string Name { get; }

    public int Number { get; }

    public bool Permitted { get; }

    public bool Inheritable { get; }

    public bool Effective { get; }

    /// <summary>The flags as setcap writes them: "ep", "eip", "i".</summary>
    public string Flags => (Effective ? "e" : "") + (Inheritable ? "i" : "") + (Permitted ? "p" : "");

    public override string ToString() => Name + "=" + Flags;
}
