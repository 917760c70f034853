using Diag.Linux.Interop;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tests.Syscalls;

public class SyscallTableTests
{
    [Theory]
    [InlineData("read", 0)]
    [InlineData("mmap", 9)]
    [InlineData("recvfrom", 45)]
    [InlineData("getppid", 110)]
    [InlineData("futex", 202)]
    [InlineData("exit_group", 231)]
    [InlineData("openat", 257)]
    [InlineData("uretprobe", 335)]
    [InlineData("uprobe", 336)]
    [InlineData("clone3", 435)]
    [InlineData("mseal", 462)]
    [InlineData("file_setattr", 469)]
    [InlineData("listns", 470)]
    public void KnowsTheKernelsNumbers(string name, int number)
    {
        Assert.True(SyscallTable.TryGetNumber(name, out var found));
        Assert.Equal(number, found);
        Assert.Equal(name, SyscallTable.GetName(number));
    }

    [Fact]
    public void TableEndsAtTheNewestConfirmedSyscallAndLeavesX32Out()
    {
        Assert.Equal(470, SyscallTable.MaxNumber);
        Assert.Equal("syscall_512", SyscallTable.GetName(512));
    }

    [Fact]
    public void EveryNamedNumberRoundTrips()
    {
        var named = 0;
        for (var n = 0; n <= SyscallTable.MaxNumber; n++)
        {
            var name = SyscallTable.GetName(n);
            if (name.StartsWith("syscall_", StringComparison.Ordinal))
                continue;
            named++;
            Assert.True(SyscallTable.TryGetNumber(name, out var back), name);
            Assert.Equal(n, back);
            Assert.True(SyscallTable.TryGetNumber(name.ToUpperInvariant(), out back), name);
            Assert.Equal(n, back);
        }
        Assert.Equal(SyscallTable.Names.Count, named);
        Assert.True(named > 370, $"only {named} named syscalls");
    }

    [Fact]
    public void UnnamedNumbersHaveAStableNameThatResolvesBack()
    {
        Assert.Equal("syscall_400", SyscallTable.GetName(400)); // reserved range 387..423
        Assert.Equal("syscall_1234", SyscallTable.GetName(1234));
        Assert.True(SyscallTable.TryGetNumber("syscall_1234", out var n));
        Assert.Equal(1234, n);
        Assert.False(SyscallTable.TryGetNumber("syscall_", out _));
        Assert.False(SyscallTable.TryGetNumber("nosuchcall", out _));
    }

    [Fact]
    public void NamesAreSortedAndDistinctForCompletion()
    {
        var names = SyscallTable.Names;
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("openat", names);
    }

    [Fact]
    public void ClassesFollowStraceMeanings()
    {
        Assert.Equal(SyscallClasses.File | SyscallClasses.Descriptor, Classes("openat"));
        Assert.Equal(SyscallClasses.File, Classes("stat"));
        Assert.Equal(SyscallClasses.Descriptor, Classes("fstat"));
        Assert.Equal(SyscallClasses.Network, Classes("recvfrom"));
        Assert.Equal(SyscallClasses.Memory | SyscallClasses.Descriptor, Classes("mmap"));
        Assert.Equal(SyscallClasses.Process | SyscallClasses.File, Classes("execve"));
        Assert.Equal(SyscallClasses.Signal | SyscallClasses.Process, Classes("kill"));
        Assert.Equal(SyscallClasses.Ipc | SyscallClasses.Memory, Classes("shmat"));
        Assert.Equal(SyscallClasses.Clock, Classes("clock_gettime"));
        Assert.Equal(SyscallClasses.Credentials, Classes("getuid"));
        Assert.Equal(SyscallClasses.None, Classes("getppid"));
        Assert.Equal(SyscallClasses.None, Classes("futex"));
        Assert.Equal(SyscallClasses.None, SyscallTable.GetClasses(9999));
    }

    [Fact]
    public void NumbersInReturnsEverySyscallOfTheClassAscending()
    {
        var memory = SyscallTable.NumbersIn(SyscallClasses.Memory);
        Assert.Equal(memory.Order(), memory);
        Assert.Contains(Number("brk"), memory);
        Assert.Contains(Number("munmap"), memory);
        Assert.DoesNotContain(Number("read"), memory);
        Assert.All(memory, n => Assert.True(SyscallTable.GetClasses(n).HasFlag(SyscallClasses.Memory)));
    }

    [Fact]
    public void ABlankFilterIsRefusedAndTheMessageNamesNoInternalParameter()
    {
        foreach (var blank in new[] { new[] { "  " }, new[] { "", " , " } })
        {
            var e = Assert.Throws<ArgumentException>(() => SyscallTable.Resolve(blank));
            Assert.Contains("empty", e.Message);
            Assert.DoesNotContain("(Parameter '", e.Message);
        }
        Assert.DoesNotContain("(Parameter '", Assert.Throws<ArgumentException>(() => SyscallTable.Resolve(["recvfrm"])).Message);
    }

    [Fact]
    public void ResolveExpandsClasses()
    {
        var file = SyscallTable.Resolve(new[] { "file" });
        Assert.Contains(Number("openat"), file);
        Assert.Contains(Number("execve"), file);
        Assert.DoesNotContain(Number("getppid"), file);
        Assert.DoesNotContain(Number("read"), file);
        Assert.Equal(file, SyscallTable.Resolve(new[] { "%file" }));

        var network = SyscallTable.Resolve(new[] { "%network" });
        Assert.Contains(Number("recvfrom"), network);
        Assert.Equal(network, SyscallTable.Resolve(new[] { "%net" }));
        Assert.Equal(network, SyscallTable.Resolve(new[] { "network" }));

        foreach (var cls in new[] { "memory", "process", "signal", "ipc", "desc", "clock", "creds" })
            Assert.NotEmpty(SyscallTable.Resolve(new[] { "%" + cls }));
    }

    [Fact]
    public void ResolveTakesNamesSortedAndDistinct()
    {
        Assert.Equal(new[] { 9, 11 }, SyscallTable.Resolve(new[] { "munmap", "mmap", "MMAP" }));
        Assert.Equal(new[] { 9, 12 }, SyscallTable.Resolve(new[] { "brk,mmap" }));
        Assert.Equal(new[] { 1234 }, SyscallTable.Resolve(new[] { "syscall_1234" }));
    }

    [Fact]
    public void ResolveExpandsWildcards()
    {
        var stats = SyscallTable.Resolve(new[] { "*stat*" }).Select(SyscallTable.GetName).ToArray();
        Assert.Contains("stat", stats);
        Assert.Contains("fstat", stats);
        Assert.Contains("newfstatat", stats);
        Assert.Contains("statx", stats);
        Assert.DoesNotContain("read", stats);
        Assert.Equal(new[] { Number("epoll_pwait"), Number("epoll_pwait2") },
            SyscallTable.Resolve(new[] { "epoll_pwait?" }).Concat(SyscallTable.Resolve(new[] { "epoll_pwait" })).Order());
    }

    [Fact]
    public void UnknownNameSuggestsTheClosest()
    {
        var e = Assert.Throws<ArgumentException>(() => SyscallTable.Resolve(new[] { "recvfrm" }));
        Assert.StartsWith("recvfrm: no such syscall; did you mean recvfrom?", e.Message);
    }

    [Fact]
    public void EveryUnknownEntryIsNamedAtOnce()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SyscallTable.Resolve(new[] { "mmap", "opnat", "%filez", "zz*", "qqqqqqqqqq" }));
        Assert.Contains("opnat: no such syscall; did you mean openat?", e.Message);
        Assert.Contains("%filez: no such syscall class", e.Message);
        Assert.Contains("zz*: matches no syscall", e.Message);
        Assert.Contains("qqqqqqqqqq: no such syscall", e.Message);
        Assert.DoesNotContain("mmap:", e.Message);
    }

    [Fact]
    public void StraceTraitsCoverExactlyTheNamedSyscalls()
    {
        var traits = Diag.Linux.Syscalls.SyscallTraitsX86_64.All;
        Assert.Equal(traits.Length, traits.Select(t => t.Number).Distinct().Count());
        foreach (var trait in traits)
            Assert.Equal(trait.Name, SyscallTable.GetName(trait.Number));
        Assert.Equal(SyscallTable.Names.Count, traits.Length);
    }

    [Fact]
    public void SpecialNumbersMatchTheTable()
    {
        Assert.Equal(SyscallNumbers.Mmap, Number("mmap"));
        Assert.Equal(SyscallNumbers.Brk, Number("brk"));
        Assert.Equal(SyscallNumbers.Mremap, Number("mremap"));
        Assert.Equal(SyscallNumbers.Shmat, Number("shmat"));
        Assert.Equal(SyscallNumbers.Execve, Number("execve"));
        Assert.Equal(SyscallNumbers.Execveat, Number("execveat"));
    }

    private static int Number(string name)
    {
        Assert.True(SyscallTable.TryGetNumber(name, out var n), name);
        return n;
    }

    private static SyscallClasses Classes(string name) => SyscallTable.GetClasses(Number(name));
}
