using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Privileges;

namespace Diag.Bench;

/// <summary>
/// Get-FileCapability -Recurse against getcap -r, in one run: a scratch tree of FILES files in 100 directories, one in
/// a hundred with a file capability (set by setcap), walked by each; then /usr as it is. Wall time, median of RUNS;
/// both must find the same files.
/// </summary>
internal static class FileCapabilityBenchmark
{
    public static int Run(string[] args)
    {
        int files = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20000;
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var root = Directory.CreateTempSubdirectory($"diag-bench-filecap-{Environment.ProcessId}-").FullName;
        try
        {
            int withCaps = 0;
            for (int i = 0; i < files; i++)
            {
                var dir = Path.Combine(root, "d" + (i % 100).ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(dir);
                var file = Path.Combine(dir, "f" + i.ToString(CultureInfo.InvariantCulture));
                File.WriteAllText(file, "");
                if (i % 100 == 0)
                {
                    using var setcap = Process.Start("setcap", ["cap_net_raw=+ep", file])!;
                    setcap.WaitForExit();
                    withCaps++;
                }
            }
            Console.WriteLine($"{Environment.ProcessorCount} CPUs; median of {runs} runs (wall)");
            Console.WriteLine($"| {"tree",-34} | {"Diag (ms)",10} | {"getcap -r (ms)",14} | {"ratio",6} | {"found",7} |");
            Console.WriteLine($"|{new string('-', 36)}|{new string('-', 12)}|{new string('-', 16)}|{new string('-', 8)}|{new string('-', 9)}|");
            Row($"scratch, {files} files, {withCaps} with caps", root, runs);
            Row("/usr", "/usr", runs);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        Console.WriteLine();
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- filecap {files} {runs}");
        return 0;
    }

    private static void Row(string label, string tree, int runs)
    {
        var diag = new List<double>();
        var getcap = new List<double>();
        int diagFound = 0, getcapFound = 0;
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            diagFound = FileCapabilityReader.ReadTree(tree, CancellationToken.None).Count(x => x.Capability is not null);
            diag.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var start = new ProcessStartInfo("getcap") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-r");
            start.ArgumentList.Add(tree);
            using var p = Process.Start(start)!;
            var stderr = p.StandardError.ReadToEndAsync();
            getcapFound = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            p.WaitForExit();
            _ = stderr.Result;
            getcap.Add(clock.Elapsed.TotalMilliseconds);
        }
        double d = Median(diag), g = Median(getcap);
        var found = diagFound == getcapFound ? diagFound.ToString(CultureInfo.InvariantCulture) : $"{diagFound}/{getcapFound}";
        Console.WriteLine($"| {label,-34} | {d,10:F1} | {g,14:F1} | {d / g,6:F2} | {found,7} |");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
