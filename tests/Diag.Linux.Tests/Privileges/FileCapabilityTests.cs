using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.Privileges;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Tests.Privileges;

/// <summary>security.capability on real files in a temporary directory: written by setxattr and read back, written by
/// setcap and decoded, and printed exactly as getcap prints them (revisions 2 and 3 with the namespace root id).</summary>
public sealed class FileCapabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory($"diag-filecap-{Environment.ProcessId}-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string NewFile(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        return path;
    }

    internal static unsafe void SetCapabilities(string path, FileCapabilityData data)
    {
        var bytes = data.Encode();
        fixed (byte* b = bytes)
            Assert.True(Libc.LSetXattr(path, "security.capability", b, (nuint)bytes.Length, 0) == 0, "setxattr: " + Errno.GetName(Libc.LastErrno));
    }

    private static string Getcap(params string[] args)
    {
        var start = new ProcessStartInfo("getcap") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    private static ulong Bits(params int[] caps) => caps.Aggregate(0UL, (set, c) => set | 1UL << c);

    public static TheoryData<bool, int[], int[]> Combinations => new()
    {
        { true, [Capabilities.CapNetRaw], [] },                                  // setcap cap_net_raw=ep ping
        { false, [Capabilities.CapNetRaw, 0], [] },                              // cap_chown,cap_net_raw=p
        { false, [Capabilities.CapNetRaw], [Capabilities.CapNetAdmin] },         // cap_net_admin=i cap_net_raw+p
        { true, [Capabilities.CapNetRaw, Capabilities.CapNetAdmin], [Capabilities.CapNetAdmin] },
        { false, [0, 5, Capabilities.CapNetRaw], [Capabilities.CapNetAdmin, Capabilities.CapSysAdmin] },
        { true, Enumerable.Range(0, Capabilities.LastNamed + 1).ToArray(), [] }, // every named capability
        { false, [], [Capabilities.CapSetUid] },
    };

    [Theory, MemberData(nameof(Combinations))]
    public void WrittenBySetxattrAndPrintedAsGetcapPrintsThem(bool effective, int[] permitted, int[] inheritable)
    {
        var path = NewFile("program");
        SetCapabilities(path, new FileCapabilityData(2, effective, Bits(permitted), Bits(inheritable), null));
        var read = FileCapabilityReader.Read(path);
        Assert.Null(read.Problem);
        var capability = read.Capability!;
        Assert.Equal(2, capability.Revision);
        Assert.Equal(effective, capability.EffectiveFlag);
        Assert.Equal(permitted.Order().Select(Capabilities.TextNameOf), capability.Permitted);
        Assert.Equal(inheritable.Order().Select(Capabilities.TextNameOf), capability.Inheritable);
        Assert.Equal(Getcap(path), path + " " + capability.Text);
    }

    [Theory]
    [InlineData("cap_net_raw=ep")]
    [InlineData("cap_net_raw,cap_chown=p")]
    [InlineData("cap_net_raw=p cap_net_admin=i")]
    [InlineData("cap_net_raw=pi cap_net_admin=p cap_chown=i")]
    [InlineData("cap_setuid=eip")]
    [InlineData("all=ep")]
    [InlineData("all=p cap_net_raw-p")]
    [InlineData("all=ip cap_net_raw=p cap_chown=")]
    public void WrittenBySetcapAndDecodedAsGetcapPrintsThem(string setcap)
    {
        var path = NewFile("program");
        using (var p = Process.Start("setcap", [setcap, path])) p.WaitForExit();
        var capability = FileCapabilityReader.Read(path).Capability!;
        Assert.Equal(Getcap(path), path + " " + capability.Text);
    }

    [Fact]
    public void RevisionThreeKeepsTheNamespaceRootId()
    {
        var path = NewFile("userns-program");
        SetCapabilities(path, new FileCapabilityData(3, true, Bits(Capabilities.CapNetRaw), 0, 100000));
        var capability = FileCapabilityReader.Read(path).Capability!;
        Assert.Equal(3, capability.Revision);
        Assert.Equal(100000u, capability.RootId);
        Assert.Equal(Getcap("-n", path), capability.ToString());
        var entry = Assert.Single(capability.Capabilities);
        Assert.Equal(("cap_net_raw", 13, true, false, true, "ep"), (entry.Name, entry.Number, entry.Permitted, entry.Inheritable, entry.Effective, entry.Flags));
    }

    [Fact]
    public void RecursionFindsWhatGetcapRFindsAndNoFileWithoutCapabilities()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sub/deeper"));
        var a = NewFile("a");
        var b = NewFile("sub/deeper/b");
        NewFile("sub/plain");
        File.CreateSymbolicLink(Path.Combine(_dir, "sub/link-to-a"), a);
        SetCapabilities(a, new FileCapabilityData(2, true, Bits(Capabilities.CapNetRaw), 0, null));
        SetCapabilities(b, new FileCapabilityData(2, false, Bits(10), 0, null));
        var found = FileCapabilityReader.ReadTree(_dir, CancellationToken.None).ToList();
        Assert.All(found, f => Assert.Null(f.Problem));
        var getcap = Getcap("-r", _dir).Split('\n').Order().ToList();
        Assert.Equal(getcap, found.Select(f => f.Capability!.ToString()).Order().ToList());
        Assert.Equal(2, found.Count);
    }

    [Fact]
    public void AMissingFileIsNotFoundAndAFileWithoutCapabilitiesHasNone()
    {
        Assert.True(FileCapabilityReader.Read(Path.Combine(_dir, "absent")).NotFound);
        var plain = FileCapabilityReader.Read(NewFile("plain"));
        Assert.Null(plain.Capability);
        Assert.Null(plain.Problem);
    }
}
