using Diag.Linux.Output;
using CapabilityTable = Diag.Linux.ProcFs.Capabilities;

namespace Diag.Linux.Privileges;

/// <summary>The capabilities a program file grants at exec (its security.capability attribute), as getcap prints them
/// and as objects.</summary>
public sealed class FileCapability
{
    internal FileCapability(string path, FileCapabilityData data)
    {
        Path = path;
        Revision = data.Revision;
        EffectiveFlag = data.Effective;
        RootId = data.RootId;
        Text = data.Text;
        Permitted = ItemList.Of(CapabilityTable.TextNamesOf(data.Permitted));
        Inheritable = ItemList.Of(CapabilityTable.TextNamesOf(data.Inheritable));
        var entries = new List<FileCapabilityEntry>();
        for (int bit = 0; bit < 64; bit++)
        {
            bool p = CapabilityTable.Has(data.Permitted, bit), i = CapabilityTable.Has(data.Inheritable, bit);
            if (p || i) entries.Add(new FileCapabilityEntry(CapabilityTable.TextNameOf(bit), bit, p, i, data.Effective));
        }
        Capabilities = ItemList.Of(entries);
    }

    public string Path { get; }

    /// <summary>getcap's text: cap_net_raw=ep.</summary>
    public string Text { get; }

    /// <summary>Each capability with its flags.</summary>
    public ItemList<FileCapabilityEntry> Capabilities { get; }

    /// <summary>What the file puts in the permitted set at exec (bounded by the process's bounding set).</summary>
    public ItemList<string> Permitted { get; }

    /// <summary>What the file grants if the process's inheritable set holds it too.</summary>
    public ItemList<string> Inheritable { get; }

    /// <summary>The file's effective flag: the granted capabilities are raised at exec (e); without it the program
    /// must raise them itself.</summary>
    public bool EffectiveFlag { get; }

    /// <summary>vfs_cap_data revision: 2 (Linux 2.6.25+), 3 (set inside a user namespace, with <see cref="RootId"/>), 1 (legacy).</summary>
    public int Revision { get; }

    /// <summary>Revision 3: the uid that is root of the user namespace the capabilities apply in (getcap -n).</summary>
    public uint? RootId { get; }

    public override string ToString() => Path + " " + Text + (RootId is uint root ? $" [rootid={root}]" : "");
}
