using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Packages;
using Diag.Linux.Packages.Origins;

namespace Diag.Bench;

/// <summary>
/// Get-FileOrigin against dpkg -S, and Test-PackageIntegrity against debsums, in one run.
///   lookups: 1,000 files the packages list (every Nth regular file of the index, so every package area is hit), each
///   looked up cold in a fresh process ("fileorigin-once": build the index, then owner + digest + PATH place of each),
///   against dpkg -S with the same 1,000 paths in one call, and dpkg -S called once per path (20 calls, scaled).
///   integrity: the same packages verified by Test-PackageIntegrity's engine (parallel) and by debsums -c (wall).
/// </summary>
internal static class FileOriginBenchmark
{
    public static int Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var packagesToCheck = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var index = PackageIndex.For("/");
        var paths = SamplePaths(index, 1000);
        var list = Path.Combine(Path.GetTempPath(), $"diag-bench-paths-{Environment.ProcessId}.txt");
        File.WriteAllLines(list, paths);
        try
        {
            Console.WriteLine($"{Environment.ProcessorCount} CPUs; {index.Packages.Count} installed packages, {index.PathCount} listed paths; " +
                $"{paths.Count} lookups; median of {runs} fresh processes");
            var self = Environment.ProcessPath!;
            var assembly = typeof(FileOriginBenchmark).Assembly.Location;
            var diag = new List<Dictionary<string, double>>();
            var dpkgBatch = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                diag.Add(Once(self, assembly, list));
                dpkgBatch.Add(Wall("dpkg", ["-S", .. paths]));
            }
            var single = paths.Take(20).Select(p => Wall("dpkg", ["-S", p])).ToList();
            Console.WriteLine($"| {"Get-FileOrigin engine, fresh process",-60} | {"median",9} |");
            Console.WriteLine($"|{new string('-', 62)}|{new string('-', 11)}|");
            foreach (var key in diag[0].Keys) Console.WriteLine($"| {key,-60} | {Median(diag.Select(d => d[key])),9:F1} |");
            Console.WriteLine($"| {"dpkg -S, the 1,000 paths in one call (wall, ms)",-60} | {Median(dpkgBatch),9:F1} |");
            Console.WriteLine($"| {"dpkg -S, one call per path (wall, ms per call)",-60} | {Median(single),9:F1} |");
            Console.WriteLine($"| {"dpkg -S, one call per path, x1,000 (ms)",-60} | {Median(single) * 1000,9:F0} |");
        }
        finally
        {
            File.Delete(list);
        }
        Console.WriteLine();
        Integrity(index, packagesToCheck);
        Console.WriteLine();
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- fileorigin {runs} {packagesToCheck}");
        return 0;
    }

    /// <summary>The child: index, then each lookup, in milliseconds.</summary>
    public static int RunOnce(string[] args)
    {
        var paths = File.ReadAllLines(args[0]);
        var clock = Stopwatch.StartNew();
        var lookup = new FileOriginLookup(Environment.GetEnvironmentVariable("PATH"), "/");
        var index = clock.Elapsed.TotalMilliseconds;
        int owned = 0;
        foreach (var p in paths)
            if (lookup.ForPath(p) is { Package: not null }) owned++;
        var total = clock.Elapsed.TotalMilliseconds;
        if (owned != paths.Length) Console.Error.WriteLine($"warning: {paths.Length - owned} of {paths.Length} paths had no owner");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"index (ms)={index:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1,000 lookups after it, with digests (ms)={total - index:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total, cold (ms)={total:F1}"));
        return 0;
    }

    private static void Integrity(PackageIndex index, int count)
    {
        var names = index.Packages.Where(p => p.Manager == PackageManager.Dpkg && p.State == "installed").Select(p => p.Name)
            .Distinct().Order(StringComparer.Ordinal).Take(count).ToList();
        var clock = Stopwatch.StartNew();
        var checker = new Diag.Linux.Packages.Integrity.PackageIntegrityChecker(index);
        int files = 0, changed = 0;
        foreach (var item in checker.Check(names, includeConffiles: false, CancellationToken.None))
        {
            if (item.Check is { } c)
            {
                files++;
                if (c.StatusValue != Diag.Linux.Packages.Integrity.PackageFileStatus.Ok) changed++;
            }
        }
        var diag = clock.Elapsed.TotalMilliseconds;
        var debsums = Wall("debsums", ["-c", .. names], out var debsumsOut);
        var debsumsChanged = debsumsOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Console.WriteLine($"{names.Count} packages ({names[0]} … {names[^1]}), {files} files with digests:");
        Console.WriteLine($"| {"tool",-48} | {"wall (ms)",10} | {"changed files",13} |");
        Console.WriteLine($"|{new string('-', 50)}|{new string('-', 12)}|{new string('-', 15)}|");
        Console.WriteLine($"| {"Test-PackageIntegrity engine (parallel)",-48} | {diag,10:F0} | {changed,13} |");
        Console.WriteLine($"| {"debsums -c",-48} | {debsums,10:F0} | {debsumsChanged,13} |");
    }

    private static List<string> SamplePaths(PackageIndex index, int count)
    {
        var all = index.Packages.OfType<Diag.Linux.Packages.Dpkg.DpkgPackage>()
            .SelectMany(p => p.FilesWithDigests(false).Select(f => f.Key))
            .Where(p => File.Exists(p)).Distinct().Order(StringComparer.Ordinal).ToList();
        int step = Math.Max(1, all.Count / count);
        return all.Where((_, i) => i % step == 0).Take(count).ToList();
    }

    private static Dictionary<string, double> Once(string self, string assembly, string list)
    {
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!self.EndsWith("Diag.Bench", StringComparison.Ordinal)) start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("fileorigin-once");
        start.ArgumentList.Add(list);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('='))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static double Wall(string file, string[] args) => Wall(file, args, out _);

    private static double Wall(string file, string[] args, out string output)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = stderr.Result;
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
