using System.Globalization;
using Diag.Linux.Bpf;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// Kernel addresses to function+offset from /proc/kallsyms: round trips on the running kernel against the
/// file read independently, and fixtures for what this kernel cannot show (modules listed out of order,
/// addresses hidden by kptr_restrict).
/// </summary>
public sealed class KernelSymbolsTests
{
    [Fact]
    public void AKnownFunctionsAddressMapsBackToItWithItsOffset()
    {
        var symbols = KernelSymbols.Current;
        Assert.Null(symbols.HiddenReason);
        Assert.True(symbols.Count > 10_000, $"{symbols.Count} text symbols");
        var address = symbols.AddressOf("nf_hook_slow");
        Assert.NotNull(address);
        Assert.Equal(address, ReadKallsyms().First(s => s.Name == "nf_hook_slow").Address);
        Assert.Equal("nf_hook_slow+0x0", symbols.Find(address.Value)!.ToString());
        var inside = symbols.Find(address.Value + 0x71)!;
        Assert.Equal(("nf_hook_slow", 0x71UL, (string?)null), (inside.Function, inside.Offset, inside.Module));
        Assert.Equal("nf_hook_slow+0x71", inside.ToString());
        Assert.Same(symbols, KernelSymbols.Current); // loaded once while the modules stay the same
    }

    [Fact]
    public void EveryHundredthFunctionRoundTripsAgainstTheFileReadIndependently()
    {
        var symbols = KernelSymbols.Current;
        var text = ReadKallsyms();
        var firstAt = new Dictionary<ulong, (string Name, string? Module)>();
        foreach (var s in text)
            firstAt.TryAdd(s.Address, (s.Name, s.Module)); // of the symbols at one address, the first listed
        var checkedCount = 0;
        for (var i = 0; i + 1 < text.Count; i += 100)
        {
            var address = text[i].Address;
            var first = firstAt[address];
            var found = symbols.Find(address);
            if (first.Name is "_etext" or "_einittext")
            {
                Assert.Null(found); // the end of the kernel's text is no function
                continue;
            }
            Assert.Equal((first.Name, 0UL, first.Module), (found!.Function, found.Offset, found.Module));
            var next = text.Skip(i + 1).FirstOrDefault(s => s.Address > address);
            if (next.Name is null || next.Address - address < 2)
                continue;
            var middle = address + (next.Address - address) / 2;
            var half = symbols.Find(middle)!;
            Assert.Equal((first.Name, middle - address), (half.Function, half.Offset));
            checkedCount++;
        }
        Assert.True(checkedCount > 500, $"only {checkedCount} symbols checked");
    }

    [Fact]
    public void AddressesOutsideTheKernelsTextFindNothing()
    {
        var symbols = KernelSymbols.Current;
        Assert.Null(symbols.Find(0x1000)); // below every symbol: a user-space address
        var etext = symbols.AddressOf("_etext");
        Assert.NotNull(etext);
        Assert.Null(symbols.Find(etext.Value + 0x10)); // past the end of the kernel's text
        Assert.Null(symbols.AddressOf("no_such_kernel_function"));
    }

    [Fact]
    public void ModuleSymbolsOutOfOrderAreSortedAndNamedWithTheirModule()
    {
        using var root = new FixtureRoot();
        root.Write("proc/kallsyms",
            "ffffffff81000000 T _stext\n" +
            "ffffffff81000100 T do_one\n" +
            "ffffffff81000100 t do_one_alias\n" +
            "ffffffff81000200 D some_data\n" +
            "ffffffff81000300 T _etext\n" +
            "ffffffffc0a02000 t tun_get_user\t[tun]\n" +
            "ffffffffc0a01000 t tun_chr_open\t[tun]\n" +
            "ffffffffc0b00000 T nf_conntrack_in\t[nf_conntrack]\n");
        var symbols = KernelSymbols.Load(root.Path);
        Assert.Equal(7, symbols.Count); // the data symbol is not a function
        Assert.Equal("do_one+0x10", symbols.Find(0xffffffff81000110)!.ToString()); // the first listed alias
        Assert.Equal("do_one+0x150", symbols.Find(0xffffffff81000250)!.ToString()); // data is not a boundary
        Assert.Null(symbols.Find(0xffffffff81000310));
        Assert.Equal("tun_chr_open+0x10 [tun]", symbols.Find(0xffffffffc0a01010)!.ToString());
        Assert.Equal("tun_get_user+0x1a [tun]", symbols.Find(0xffffffffc0a0201a)!.ToString());
        Assert.Equal("nf_conntrack_in+0x5 [nf_conntrack]", symbols.Find(0xffffffffc0b00005)!.ToString());
        Assert.Equal(0xffffffffc0a01000UL, symbols.AddressOf("tun_chr_open"));
    }

    [Theory]
    [InlineData("1", "2", "kernel.kptr_restrict is 1): run as root or with CAP_SYSLOG")]
    [InlineData("0", "2", "kernel.kptr_restrict is 0 but kernel.perf_event_paranoid is 2): run as root or with CAP_SYSLOG")]
    [InlineData("2", "-1", "root included (kernel.kptr_restrict is 2)")]
    public void HiddenAddressesAreSaidToBeHiddenNotNamed(string kptrRestrict, string paranoid, string reason)
    {
        using var root = new FixtureRoot();
        root.Write("proc/kallsyms", "0000000000000000 T _stext\n0000000000000000 T nf_hook_slow\n0000000000000000 t tun_get_user\t[tun]\n");
        root.Write("proc/sys/kernel/kptr_restrict", kptrRestrict + "\n");
        root.Write("proc/sys/kernel/perf_event_paranoid", paranoid + "\n");
        var symbols = KernelSymbols.Load(root.Path);
        Assert.Contains(reason, symbols.HiddenReason);
        Assert.Null(symbols.Find(0));
        Assert.Null(symbols.Find(0xffffffff81f799d0));
        Assert.Null(symbols.AddressOf("nf_hook_slow"));
    }

    [Fact]
    public void ANonRootReaderOfThisKernelSeesHiddenAddresses()
    {
        // What /proc/kallsyms gives a process without CAP_SYSLOG here (perf_event_paranoid is above 1 on this
        // machine, or kptr_restrict is set), copied with the sysctls into a fixture root.
        var restrict = File.ReadAllText("/proc/sys/kernel/kptr_restrict").Trim();
        var paranoid = int.Parse(File.ReadAllText("/proc/sys/kernel/perf_event_paranoid").Trim(), CultureInfo.InvariantCulture);
        using var root = new FixtureRoot();
        root.Write("proc/kallsyms", BtfOracle.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "head", "-1000", "/proc/kallsyms"));
        root.Write("proc/sys/kernel/kptr_restrict", restrict);
        root.Write("proc/sys/kernel/perf_event_paranoid", paranoid.ToString(CultureInfo.InvariantCulture));
        var symbols = KernelSymbols.Load(root.Path);
        if (restrict == "0" && paranoid <= 1)
            Assert.Null(symbols.HiddenReason); // this machine shows addresses to everyone
        else
            Assert.Contains($"kernel.kptr_restrict is {restrict}", symbols.HiddenReason);
    }

    /// <summary>The text symbols of /proc/kallsyms in file order, parsed here with string.Split.</summary>
    private static List<(ulong Address, string Name, string? Module)> ReadKallsyms() =>
        File.ReadLines("/proc/kallsyms")
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3 && f[1] is "t" or "T" or "w" or "W")
            .Select(f => (ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), f[2],
                f.Length > 3 ? f[3].Trim('[', ']') : null))
            .ToList();

    private sealed class FixtureRoot : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory($"diag-kallsyms-{Environment.ProcessId}-").FullName;

        public void Write(string relative, string text)
        {
            var file = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
