using Diag.Linux.Dwarf;
using Diag.Linux.Stacks;

namespace Diag.Linux.Tests.Stacks;

/// <summary>The text and byte formats the unwinder reads, on inputs a live process does not produce on demand.</summary>
public sealed class StackParsingTests
{
    [Fact]
    public void MapsLinesParseIncludingDeletedAndSpacedPaths()
    {
        var map = MemoryMap.Parse("""
            55d0c0a0b000-55d0c0a2c000 r-xp 00002000 fd:01 1234567                    /tmp/my server (deleted)
            7f3a1c200000-7f3a1c228000 r--p 00000000 08:10 42                         /usr/lib/x86_64-linux-gnu/libc.so.6
            7ffd5b9f1000-7ffd5b9f3000 r-xp 00000000 00:00 0                          [vdso]
            7f0000000000-7f0000001000 rwxp 00000000 00:00 0 
            """);
        Assert.Equal(4, map.Mappings.Count);
        var server = map.Find(0x55d0c0a0b123)!;
        Assert.True(server.Executable && server.IsFile && server.IsDeleted);
        Assert.Equal("/tmp/my server", server.FilePath);
        Assert.Equal("55d0c0a0b000-55d0c0a2c000", server.MapFilesName);
        Assert.Equal((0xfdu, 0x01u, 1234567UL, 0x2000UL), (server.DeviceMajor, server.DeviceMinor, server.Inode, server.Offset));
        Assert.False(map.Find(0x7ffd5b9f1000)!.IsFile);
        Assert.Equal("", map.Find(0x7f0000000000)!.Path);
        Assert.Null(map.Find(0x1000));
    }

    [Fact]
    public void PerfMapsNameTheLatestCodeAtAnAddress()
    {
        var path = Path.Combine(Path.GetTempPath(), $"perf-{Environment.ProcessId}-test.map");
        try
        {
            File.WriteAllText(path, "1000 100 first\n2000 10 [System.Private.CoreLib] System.String::Concat(string,string)[Optimized]\n");
            var map = PerfMapFile(path);
            Assert.True(map.TryFind(0x2005, out var name, out var start));
            Assert.Equal(("[System.Private.CoreLib] System.String::Concat(string,string)[Optimized]", 0x2000UL), (name, start));
            Assert.False(map.TryFind(0x2010, out _, out _));
            // Code freed and its range reused: the later line wins; a partial last line is not read yet.
            File.AppendAllText(path, "1080 10 second\n3000 10 half");
            map = PerfMapFile(path);
            Assert.True(map.TryFind(0x1085, out name, out _));
            Assert.Equal("second", name);
            Assert.True(map.TryFind(0x1010, out name, out _));
            Assert.Equal("first", name);
            Assert.False(map.TryFind(0x3000, out _, out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DwarfExpressionsOfSignalFramesAndPltEntriesEvaluate()
    {
        var context = new Context();
        // __restore_rt's CFA: DW_OP_breg7 (rsp) 160; DW_OP_deref.
        Assert.True(DwarfExpression.TryEvaluate([0x77, 0xa0, 0x01, 0x06], context, null, out var cfa));
        Assert.Equal(0x7000UL, cfa);
        // A PLT entry's CFA: rsp + 8 + ((rip & 15) >= 11 ? 8 : 0).
        byte[] plt = [0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22];
        context.Rip = 0x400010;
        Assert.True(DwarfExpression.TryEvaluate(plt, context, null, out var before));
        context.Rip = 0x40001c;
        Assert.True(DwarfExpression.TryEvaluate(plt, context, null, out var after));
        Assert.Equal((0x5008UL, 0x5010UL), (before, after));
        // Memory outside the copied stack: no value, no guess.
        Assert.False(DwarfExpression.TryEvaluate([0x08, 0x10, 0x06], context, null, out _));
        Assert.Throws<DwarfFormatException>(() => DwarfExpression.TryEvaluate([0x22], context, null, out _));
    }

    private static PerfMap PerfMapFile(string path)
    {
        // PerfMap.For reads /tmp/perf-PID.map; the same parser, given this file.
        var target = $"/tmp/perf-{Environment.ProcessId}.map";
        File.Copy(path, target, overwrite: true);
        try
        {
            return PerfMap.For(Environment.ProcessId, Environment.ProcessId)!;
        }
        finally
        {
            File.Delete(target);
        }
    }

    private sealed class Context : IExpressionContext
    {
        public ulong Rip = 0x400000;

        public bool TryGetRegister(int register, out ulong value)
        {
            value = register switch { 7 => 0x5000, 16 => Rip, _ => 0 };
            return register is 7 or 16;
        }

        public bool TryReadMemory(ulong address, out ulong value)
        {
            value = 0x7000;
            return address == 0x50a0;
        }
    }
}
