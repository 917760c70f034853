using System.Diagnostics;

namespace Diag.Linux.Tests.Stacks;

/// <summary>
/// A stripped binary (as packages ship them) keeps only its exported symbols: its own functions are found
/// through MiniDebugInfo (.gnu_debugdata, how Fedora and RHEL ship function names) when it has one, and
/// are otherwise shown as module+offset, never as a wrong neighbour's name.
/// </summary>
public sealed class StrippedBinaryTests
{
    [Fact]
    public void MiniDebugInfoNamesTheFunctionsOfAStrippedBinary()
    {
        using var work = new TemporaryDirectory();
        var binary = Build(work.Path, withMiniDebugInfo: true);
        using var target = StackTestSupport.StartParked(binary);
        var nested = StackTestSupport.Read(target.Pid).Thread(target.Threads["nested"]);
        Assert.Equal(StackTestSupport.ExpectedFunctions["nested"], nested.Functions());
    }

    [Fact]
    public void WithoutSymbolsFramesAreModuleAndOffset()
    {
        using var work = new TemporaryDirectory();
        var binary = Build(work.Path, withMiniDebugInfo: false);
        using var target = StackTestSupport.StartParked(binary);
        var nested = StackTestSupport.Read(target.Pid).Thread(target.Threads["nested"]);
        Assert.Equal(9, nested.Frames.Count); // unwinding needs no symbols
        Assert.True(nested.Complete);
        Assert.Equal("pause", nested.Frames[0].Function);
        Assert.All(nested.Frames.Skip(1).Take(6), f => Assert.Null(f.Function));
        Assert.StartsWith("pause < server+0x", nested.Signature, StringComparison.Ordinal);
        Assert.Matches(@"^#1  0x[0-9a-f]{16} in \?\? \(\) from .*/server$", nested.Frames[1].ToString());
    }

    /// <summary>Strips a copy of the test target; with MiniDebugInfo, adds its function symbols back as
    /// Fedora's find-debuginfo does (an xz-compressed .symtab in .gnu_debugdata).</summary>
    private static string Build(string directory, bool withMiniDebugInfo)
    {
        var binary = System.IO.Path.Combine(directory, "server");
        var script = withMiniDebugInfo
            ? """
              set -e
              cd "$1"
              nm "$2" --format=posix --defined-only | awk '$2 == "T" || $2 == "t" { print $1 }' | sort > funcsyms
              objcopy --only-keep-debug "$2" debug
              objcopy -S --remove-section .gdb_index --remove-section .comment --keep-symbols=funcsyms debug mini
              xz mini
              strip --strip-all -o server "$2"
              objcopy --add-section .gnu_debugdata=mini.xz server
              """
            : """
              set -e
              strip --strip-all -o "$1/server" "$2"
              """;
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-c", script, "sh", directory, TargetProcess.ExecutablePath }) info.ArgumentList.Add(a);
        using var shell = Process.Start(info)!;
        var error = shell.StandardError.ReadToEnd();
        Assert.True(shell.WaitForExit(60_000) && shell.ExitCode == 0, "building the stripped binary failed (binutils and xz-utils are needed): " + error);
        return binary;
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("diag-stripped-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
