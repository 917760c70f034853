using Diag.Linux.ProcFs;
namespace Diag.Linux.CoreDumps;

// kernel.core_pattern and what receives the core: the directory of a file pattern, or the pipe handler and its store.
internal sealed partial class CoreDumpChecklist
{
    private const string AbsolutePatternRemedy =
        "mkdir -p -m 1777 /var/crash; sysctl -w kernel.core_pattern=/var/crash/core.%e.%p (lasting: kernel.core_pattern=/var/crash/core.%e.%p in /etc/sysctl.d/60-core.conf)";

    private void CheckPattern()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.CorePattern;
        var pattern = Pattern;
        var actual = "kernel.core_pattern = " + (pattern.Text.Length == 0 ? "(empty)" : pattern.Text);
        if (pattern.Problem is { } problem)
        {
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, "a file name, |handler or @socket the kernel accepts",
                $"The kernel writes no core: {problem}.", AbsolutePatternRemedy);
            return;
        }
        switch (pattern.Kind)
        {
            case CorePatternKind.File when pattern.IsAbsolute:
                Pass(name, actual, "an absolute path (or a pipe to a crash handler)", $"Cores are written to {Location?.Directory ?? DirectoryOf(pattern)}.");
                return;
            case CorePatternKind.File when DumpsAsRoot:
                Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, "an absolute path or a pipe",
                    "A process that changed credentials dumps as root under fs.suid_dumpable = 2, and then only to an absolute path or a pipe: this relative pattern stops it.",
                    AbsolutePatternRemedy);
                return;
            case CorePatternKind.File when _facts is null && _kernel.SuidDumpable == 2:
                Add(name, CheckStatus.Warning, CheckEffect.None, actual, "an absolute path or a pipe",
                    "Relative: cores land in each process's current directory, and processes that changed credentials (dumping as root under fs.suid_dumpable = 2) write none.",
                    AbsolutePatternRemedy);
                return;
            case CorePatternKind.File:
                Pass(name, actual, "a file name the process can write (relative: in its current directory), or a pipe",
                    "Relative: the core lands in the process's current directory, which must be writable by it (see CoreDirectory).");
                return;
            case CorePatternKind.Pipe:
                Pass(name, actual, "a pipe to a crash handler, or an absolute path",
                    $"The kernel starts {_handler?.Name ?? pattern.HandlerPath} on the host, as root, and writes the core to its standard input.");
                return;
            default:
                Pass(name, actual, "a listening socket, a pipe or an absolute path",
                    $"The kernel connects to the socket {pattern.HandlerPath} and sends the core to whoever listens there.");
                return;
        }
    }

    private static string DirectoryOf(CorePattern pattern)
    {
        int slash = pattern.Text.LastIndexOf('/');
        return slash <= 0 ? "/" : pattern.Text[..slash];
    }

    private void CheckCoreDirectory()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.CoreDirectory;
        if (Pattern.Problem is not null) { NotApplicable(name, "", "core_pattern is not usable."); return; }
        string hostDirectory, shownDirectory;
        (string BaseOnHost, string ShownBase, string Relative) route;
        uint uid, gid;
        IReadOnlyCollection<uint> groups;
        bool overrides;
        string writer;
        if (Location is { } location)
        {
            var facts = _facts!;
            if (!Pattern.IsAbsolute && facts.WorkingDirectory is null)
            {
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, "unreadable", "a writable directory",
                    $"Its current directory (/proc/{Number(facts.Pid)}/cwd) cannot be read: run as root to check it.");
                return;
            }
            if (!Pattern.IsAbsolute && facts.WorkingDirectory is { } cwd && cwd.EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                Add(name, CheckStatus.Fail, CheckEffect.Blocks, cwd, "an existing directory",
                    "Its current directory was deleted while it runs there: the kernel cannot create a file in it, so no core is written.",
                    AbsolutePatternRemedy);
                return;
            }
            if (!location.Name.IsDirectoryKnown)
            {
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, location.Directory, "a writable directory",
                    "The directory's name depends on values known only at the crash (such as %t).");
                return;
            }
            if (facts.Credentials is not { } c)
            {
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, location.Directory, "a writable directory", "Its credentials cannot be read.");
                return;
            }
            hostDirectory = location.DirectoryOnHost;
            shownDirectory = location.Directory + (location.InProcessRoot ? $" (inside its root; here {location.DirectoryOnHost})" : "");
            route = Pattern.IsAbsolute
                ? (location.InProcessRoot ? _machine.ProcPath(facts.Pid, "root") : _machine.PathOf("/"), "", location.Directory)
                : (_machine.ProcPath(facts.Pid, "cwd"), facts.WorkingDirectory ?? "", location.Name.Directory);
            (uid, gid, groups) = DumpsAsRoot ? (0u, 0u, (IReadOnlyCollection<uint>)[]) : (c.FsUid, c.FsGid, c.Groups);
            overrides = DumpsAsRoot || c.HasCapability(Capabilities.CapDacOverride);
            writer = DumpsAsRoot ? "root (it dumps as root under fs.suid_dumpable = 2)" : User(uid);
        }
        else if (Pattern.IsAbsolute)
        {
            hostDirectory = _machine.PathOf(DirectoryOf(Pattern));
            shownDirectory = DirectoryOf(Pattern);
            route = (_machine.PathOf("/"), "", shownDirectory);
            (uid, gid, groups, overrides, writer) = (0, 0, [], true, "root");
            if (shownDirectory.Contains('%'))
            {
                Add(name, CheckStatus.Info, CheckEffect.None, shownDirectory, "a writable directory", "The directory depends on each crashing process.");
                return;
            }
        }
        else
        {
            NotApplicable(name, "each process's current directory", "A relative pattern puts each core in the crashing process's current directory: check a process with -Id.");
            return;
        }

        var state = DirectoryState.Check(hostDirectory, uid, gid, groups, overrides);
        string remedyMake = $"mkdir -p -m 1777 {shownDirectory.Split(' ')[0]}";
        if (state.Errno == Interop.Errno.ENOENT)
        {
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, $"{shownDirectory}: does not exist", "an existing directory writable by " + writer,
                "The kernel does not create directories: no core is written.", Pattern.IsAbsolute ? remedyMake : AbsolutePatternRemedy);
            return;
        }
        if (!state.Exists)
        {
            Add(name, CheckStatus.Warning, CheckEffect.Uncertain, $"{shownDirectory}: {Interop.Errno.GetDescription(state.Errno)}", "a writable directory",
                "The directory could not be checked: run as root.");
            return;
        }
        var actual = $"{shownDirectory}: owner {User(state.Owner)}, mode {Convert.ToString(state.Permissions, 8).PadLeft(4, '0')}" + (state.ReadOnly ? ", read-only mount" : "");
        var expected = "writable by " + writer;
        if (!state.IsDirectory)
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual + ", not a directory", expected, "The path is not a directory: no core is written.", AbsolutePatternRemedy);
        else if (state.ReadOnly)
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, expected, "The directory is on a read-only file system: no core is written.", AbsolutePatternRemedy);
        else if (!state.Writable)
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, expected,
                $"The kernel creates the core as {writer}, who may not write there: no core is written.",
                Pattern.IsAbsolute ? $"chmod 1777 {shownDirectory.Split(' ')[0]}" : AbsolutePatternRemedy);
        else if (CoreDirectoryRedirect.Find(route.BaseOnHost, route.ShownBase, route.Relative, uid) is { } redirect)
            Add(name, CheckStatus.Warning, CheckEffect.Uncertain, actual, expected + ", reached without links others can change",
                $"The kernel can create the core there as {writer}, but {redirect.Describe()}.",
                "point kernel.core_pattern at a directory only root can change (sysctl -w kernel.core_pattern=/var/crash/core.%e.%p), or remove the link");
        else
            Pass(name, actual, expected, $"The kernel can create the core there as {writer}.");
    }

    private void CheckFreeSpace()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.FreeSpace;
        string? hostDirectory = Pattern.Kind == CorePatternKind.File
            ? Location?.DirectoryOnHost ?? (Pattern.IsAbsolute && !DirectoryOf(Pattern).Contains('%') ? _machine.PathOf(DirectoryOf(Pattern)) : null)
            : _handler?.StoreDirectory is { } store ? _machine.PathOf(store) : null;
        string? shown = Pattern.Kind == CorePatternKind.File ? Location?.Directory ?? DirectoryOf(Pattern) : _handler?.StoreDirectory;
        if (hostDirectory is null || (Location is { } l && !l.Name.IsDirectoryKnown))
        {
            NotApplicable(name, "", "Where the core is stored is not known in advance.");
            return;
        }
        bool asRoot = Pattern.Kind != CorePatternKind.File || DumpsAsRoot || _facts?.Credentials is not { } c || c.FsUid == 0;
        var state = DirectoryState.Check(hostDirectory, 0, 0, [], asRoot);
        if (state.FreeBytes is not { } free)
        {
            NotApplicable(name, $"{shown}: cannot be checked", "The directory does not exist or cannot be read (see the check above).");
            return;
        }
        var actual = $"{ByteSize.Format(free)} free in {shown}";
        if (_facts is null)
        {
            Add(name, CheckStatus.Info, CheckEffect.None, actual, "more than the largest process's memory", "A core is as large as the memory a process has touched.");
            return;
        }
        long estimate = _facts.Size.ResidentBytes;
        var expected = $"more than {ByteSize.Format(estimate)} (the estimated core)";
        if (free < (ulong)estimate)
            Add(name, CheckStatus.Warning, CheckEffect.Truncates, actual, expected,
                "The file system would fill up before the core is complete.",
                "free space there, or point kernel.core_pattern (or the handler's store) at a larger file system");
        else
            Pass(name, actual, expected, "There is room for the whole core.");
    }

    private void CheckCoreFileName()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.CoreFileName;
        if (Pattern.Kind != CorePatternKind.File)
        {
            NotApplicable(name, "named by the handler", "The handler names each core (systemd-coredump and apport include the pid and time).");
            return;
        }
        var shown = Location?.Path ?? Pattern.Text + (_kernel.UsesPid && !Pattern.NamesPid ? ".<pid>" : "");
        var actual = $"{shown} (kernel.core_uses_pid = {(_kernel.UsesPid ? 1 : 0)})";
        const string expected = "%p or %t in the pattern, or kernel.core_uses_pid = 1";
        const string remedy = "sysctl -w kernel.core_uses_pid=1, or add .%p.%t to kernel.core_pattern (lasting: /etc/sysctl.d/60-core.conf)";
        bool distinct = Pattern.NamesEachCrash || _kernel.UsesPid;
        string earlier = Location is { Name.IsExact: true } location && MachineRoot.Stat(location.HostPath, out _) is { IsRegularFile: true } old
            ? $" A core from an earlier crash is already there ({ByteSize.Format(old.Size)}, {DateTime.UnixEpoch.AddSeconds(old.ModifiedSeconds).ToLocalTime():yyyy-MM-dd HH:mm}): move it away before it is replaced."
            : "";
        if (!distinct)
        {
            Add(name, CheckStatus.Warning, CheckEffect.None, actual, expected,
                "Every crash writes the same file name: the next crash replaces the last core." + earlier, remedy);
            return;
        }
        bool onlyPid = !Pattern.Parts.Any(p => p.Specifier is 'P' or 'I' or 't');
        if (_facts is { OtherPidNamespace: true } f && onlyPid)
        {
            Add(name, CheckStatus.Warning, CheckEffect.None, actual, "%t (or %P) in the pattern",
                $"The pid in the name is its pid inside its container ({Number(f.NamespacePid)}), the same after every restart: a later crash replaces the core." + earlier,
                "add .%t to kernel.core_pattern");
            return;
        }
        if (earlier.Length > 0)
        {
            Add(name, CheckStatus.Info, CheckEffect.None, actual, expected, earlier.TrimStart());
            return;
        }
        Pass(name, actual, expected, "Each crash gets a core file of its own.");
    }

    private void CheckPipeHandler()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.PipeHandler;
        if (_handler is not { } handler) { NotApplicable(name, "", "core_pattern is not usable."); return; }
        bool socket = Pattern.Kind == CorePatternKind.Socket;
        var actual = $"{handler.Path} ({handler.Name})";
        if (!handler.Exists)
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual + (socket ? ": no such socket" : ": no such program"),
                socket ? "a socket a service listens on" : "an executable program",
                socket ? "Nothing listens on the socket: the kernel cannot connect and no core is written."
                       : "The kernel cannot start the handler: no core is written.",
                socket ? "start the service that listens there (systemctl start systemd-coredump.socket)"
                       : $"install {handler.Name}, or point kernel.core_pattern at an existing handler or an absolute path");
        else if (!socket && !handler.Executable)
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual + ": not executable", "an executable program",
                "The kernel cannot start the handler: no core is written.", $"chmod +x {handler.Path}");
        else
            Pass(name, actual, socket ? "a listening socket" : "an executable program",
                socket ? "The socket exists." : "The kernel can start the handler.");
    }

    private void CheckHandlerStorage()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.HandlerStorage;
        if (_handler is not { } handler) { NotApplicable(name, "", "core_pattern is not usable."); return; }
        long apparent = _facts?.Size.ApparentBytes ?? 0;
        switch (handler.Kind)
        {
            case CoreHandlerKind.SystemdCoredump when handler.Systemd is { } s:
                var actual = s.Describe() + (s.Sources.Count > 0 ? $" ({string.Join(", ", s.Sources)})" : " (defaults)");
                const string remedy = "Storage=external under [Coredump] in /etc/systemd/coredump.conf.d/50-keep.conf";
                if (s.Storage is not ("external" or "journal"))
                    Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, "Storage=external",
                        "systemd-coredump logs the crash but keeps no core (Storage=none).", remedy);
                else if (s.KeptSizeMax == 0)
                    Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, "ProcessSizeMax and the storage size limit above 0",
                        "Both of systemd-coredump's size limits are 0: it keeps no core.", "ProcessSizeMax=32G and ExternalSizeMax=32G under [Coredump] in /etc/systemd/coredump.conf.d/50-keep.conf");
                else if (apparent > 0 && s.KeptSizeMax < (ulong)apparent)
                    Add(name, CheckStatus.Warning, CheckEffect.Truncates, actual, $"size limits above {ByteSize.Format(apparent)}",
                        $"systemd-coredump keeps at most {ByteSize.Format(s.KeptSizeMax)} of a core of up to {ByteSize.Format(apparent)}.",
                        $"ExternalSizeMax= and ProcessSizeMax= above {ByteSize.Format(apparent)} under [Coredump] in /etc/systemd/coredump.conf.d/50-keep.conf");
                else
                    Pass(name, actual, "Storage=external (or journal) with room for the core",
                        s.Storage == "external" ? $"Cores are kept in {SystemdCoredumpSettings.Store} (coredumpctl list)." : "Cores are kept in the journal (coredumpctl list).");
                return;
            case CoreHandlerKind.Apport when handler.ApportEnabled == false:
                Add(name, CheckStatus.Fail, CheckEffect.Blocks, "enabled=0 in /etc/default/apport", "enabled=1",
                    "apport is disabled: it drops every core it is given.", "set enabled=1 in /etc/default/apport and systemctl restart apport");
                return;
            case CoreHandlerKind.Apport:
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, "apport enabled; reports in /var/crash", "a crash report with the core in /var/crash",
                    "apport keeps a crash report (core inside; apport-unpack extracts it) only for programs from a distribution package, unless unpackaged reports are enabled.",
                    "for other programs: point kernel.core_pattern at an absolute path, or enable unpackaged reports in ~/.config/apport/settings ([main] unpackaged=true)");
                return;
            case CoreHandlerKind.Abrt:
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain,
                    $"abrt; dump directories in {handler.StoreDirectory}; ProcessUnpackaged={(handler.AbrtProcessesUnpackaged == true ? "yes" : "no")}, MakeCompatCore={(handler.AbrtMakesCompatCore == true ? "yes" : "no")}",
                    "ProcessUnpackaged=yes, or a packaged program",
                    "abrt keeps a dump directory only for programs from a package unless ProcessUnpackaged=yes" +
                    (handler.AbrtMakesCompatCore == true ? "; it also writes a core file in the process's directory (MakeCompatCore)." : "."),
                    "ProcessUnpackaged = yes in /etc/abrt/abrt-action-save-package-data.conf");
                return;
            default:
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, handler.Path, "a handler that keeps the core",
                    $"Diag does not know where {handler.Name} keeps cores, or whether it honours the core limit (%c).",
                    "check the handler's documentation, or -Verify to see whether a core comes out");
                return;
        }
    }

    private void CheckPipeLimit()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.PipeLimit;
        var actual = $"kernel.core_pipe_limit = {Number(_kernel.PipeLimit)}";
        if (Pattern.Kind != CorePatternKind.Pipe)
        {
            NotApplicable(name, actual, "It only concerns pipe handlers.");
            return;
        }
        if (_kernel.PipeLimit == 0)
            Add(name, CheckStatus.Info, CheckEffect.None, actual, "0, or a number above the crashes you expect at once",
                "Any number of crashes is piped at once, and the kernel does not wait for the handler, which may find /proc/PID already gone.");
        else
            Add(name, CheckStatus.Info, CheckEffect.None, actual, "a number above the crashes you expect at once",
                $"At most {Number(_kernel.PipeLimit)} cores are piped at once; the kernel drops a crash beyond that, and waits for the handler to finish.");
    }
}
