using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>
/// The JVM settings that place its memory, from the command line and the environment variables the JVM reads
/// (JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS before the command line, _JAVA_OPTIONS after it; the last setting wins).
/// </summary>
internal sealed class JavaSettings
{
    private JavaSettings(long? maxHeapBytes, string? maxHeapSetting, long? codeCacheBytes)
    {
        MaxHeapBytes = maxHeapBytes;
        MaxHeapSetting = maxHeapSetting;
        CodeCacheBytes = codeCacheBytes;
    }

    // Launcher options whose value is the next argument (java -cp lib Main -Xmx1g: -Xmx1g is the program's).
    private static readonly HashSet<string> OptionsWithValue = new(StringComparer.Ordinal)
    {
        "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules",
        "--add-reads", "--add-exports", "--add-opens", "--patch-module", "--source", "--enable-native-access",
    };

    /// <summary>-Xmx / -XX:MaxHeapSize in bytes; null when not set.</summary>
    public long? MaxHeapBytes { get; }

    /// <summary>The option as written, e.g. "-Xmx4g".</summary>
    public string? MaxHeapSetting { get; }

    /// <summary>-XX:ReservedCodeCacheSize in bytes; null when not set.</summary>
    public long? CodeCacheBytes { get; }

    public static JavaSettings Read(IReadOnlyList<string> commandLine, IReadOnlyDictionary<string, string>? environment)
    {
        var options = new List<string>();
        AddSplit(options, environment, "JAVA_TOOL_OPTIONS");
        AddSplit(options, environment, "JDK_JAVA_OPTIONS");
        // The launcher's own arguments end at the main class or -jar: what follows belongs to the program.
        for (int i = 1; i < commandLine.Count; i++)
        {
            var argument = commandLine[i];
            if (!argument.StartsWith('-') || argument is "-jar" or "--module" or "-m") break;
            if (OptionsWithValue.Contains(argument)) i++;
            else options.Add(argument);
        }
        AddSplit(options, environment, "_JAVA_OPTIONS");

        long? heap = null, codeCache = null;
        string? heapSetting = null;
        foreach (var option in options)
        {
            if (option.StartsWith("-Xmx", StringComparison.Ordinal) && ParseSize(option[4..]) is { } x) { heap = x; heapSetting = option; }
            else if (option.StartsWith("-XX:MaxHeapSize=", StringComparison.Ordinal) && ParseSize(option[16..]) is { } m) { heap = m; heapSetting = option; }
            else if (option.StartsWith("-XX:ReservedCodeCacheSize=", StringComparison.Ordinal) && ParseSize(option[26..]) is { } c) codeCache = c;
        }
        return new JavaSettings(heap, heapSetting, codeCache);
    }

    private static void AddSplit(List<string> options, IReadOnlyDictionary<string, string>? environment, string name)
    {
        if (environment is not null && environment.TryGetValue(name, out var value))
            options.AddRange(value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The JVM's sizes: a number with an optional k, m, g or t (either case), powers of 1024.</summary>
    internal static long? ParseSize(string text)
    {
        if (text.Length == 0) return null;
        long factor = char.ToLowerInvariant(text[^1]) switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 't' => 1L << 40, _ => 1 };
        var digits = factor == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue / factor ? n * factor : null;
    }
}
