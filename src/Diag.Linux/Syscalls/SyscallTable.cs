namespace Diag.Linux.Syscalls;

/// <summary>
/// The x86_64 syscall table: names, numbers, strace trace classes, and the parser for
/// <c>-Syscall</c> filters (names, classes, wildcards).
/// </summary>
public static class SyscallTable
{
    private static readonly string?[] NameByNumber = SyscallNamesX86_64.ByNumber;
    private static readonly SyscallClasses[] ClassesByNumber = BuildClasses();
    private static readonly int[] ArgumentCountByNumber = BuildArgumentCounts();
    private static readonly Dictionary<string, int> NumberByName = BuildNumberByName();
    private static readonly string[] SortedNames = NumberByName.Keys.Order(StringComparer.Ordinal).ToArray();

    private const string UnnamedPrefix = "syscall_";

    /// <summary>The highest syscall number the table knows.</summary>
    public static int MaxNumber => NameByNumber.Length - 1;

    /// <summary>Every syscall name, sorted (for tab completion).</summary>
    public static IReadOnlyList<string> Names => SortedNames;

    /// <summary>The syscall's name; for numbers without one, <c>syscall_N</c> (never null).</summary>
    public static string GetName(int number) =>
        number >= 0 && number < NameByNumber.Length && NameByNumber[number] is { } name
            ? name
            : UnnamedPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Looks a syscall up by name (case-insensitive); also accepts <c>syscall_N</c> for any
    /// non-negative N, the name <see cref="GetName"/> gives numbers the table does not know.</summary>
    public static bool TryGetNumber(string name, out int number)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (NumberByName.TryGetValue(name.Trim(), out number))
            return true;
        var trimmed = name.Trim();
        if (trimmed.StartsWith(UnnamedPrefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(trimmed.AsSpan(UnnamedPrefix.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out number))
            return true;
        number = -1;
        return false;
    }

    /// <summary>The strace trace classes of a syscall (<see cref="SyscallClasses.None"/> when unknown).</summary>
    public static SyscallClasses GetClasses(int number) =>
        number >= 0 && number < ClassesByNumber.Length ? ClassesByNumber[number] : SyscallClasses.None;

    /// <summary>Every syscall in at least one of <paramref name="classes"/>, ascending.</summary>
    public static IReadOnlyList<int> NumbersIn(SyscallClasses classes)
    {
        var numbers = new List<int>();
        for (var n = 0; n < ClassesByNumber.Length; n++)
            if ((ClassesByNumber[n] & classes) != 0)
                numbers.Add(n);
        return numbers;
    }

    /// <summary>
    /// Turns filter entries into sorted distinct syscall numbers. An entry is a syscall name, a class
    /// (<c>file</c>, <c>%file</c>, <c>network</c>/<c>%net</c>, <c>memory</c>, <c>process</c>, <c>signal</c>,
    /// <c>ipc</c>, <c>desc</c>, <c>clock</c>, <c>creds</c>), a wildcard (<c>*stat*</c>) or <c>syscall_N</c>;
    /// entries may also be comma-separated as in strace's <c>-e trace=</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Naming every unknown entry, with the closest names.</exception>
    public static IReadOnlyList<int> Resolve(IEnumerable<string> specs) => SyscallFilterParser.Resolve(specs);

    /// <summary>How many arguments the syscall takes (strace's table); -1 when unknown.</summary>
    internal static int GetArgumentCount(int number) =>
        number >= 0 && number < ArgumentCountByNumber.Length ? ArgumentCountByNumber[number] : -1;

    private static SyscallClasses[] BuildClasses()
    {
        var classes = new SyscallClasses[NameByNumber.Length];
        foreach (var trait in SyscallTraitsX86_64.All)
            if (trait.Number < classes.Length)
                classes[trait.Number] = trait.Classes;
        return classes;
    }

    private static int[] BuildArgumentCounts()
    {
        var counts = Enumerable.Repeat(-1, NameByNumber.Length).ToArray();
        foreach (var trait in SyscallTraitsX86_64.All)
            if (trait.Number < counts.Length)
                counts[trait.Number] = trait.ArgumentCount;
        return counts;
    }

    private static Dictionary<string, int> BuildNumberByName()
    {
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var n = 0; n < NameByNumber.Length; n++)
            if (NameByNumber[n] is { } name)
                byName[name] = n;
        return byName;
    }
}
