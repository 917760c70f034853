using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;
using Diag.Linux.Tracing;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// -Verify: proves the checklist as "kill -SEGV" would, without touching the target. A short-lived probe takes
/// over the target's core and file size limits, current directory, root and (as root) credentials, crashes with
/// SIGSEGV, and its core is looked for where the configuration says; whatever the probe left is deleted.
/// </summary>
/// <remarks>
/// The probe is <see cref="CoreProbeProgram"/>, a tiny static executable run from a memfd, started through the
/// clone trampoline Trace-Syscall launches commands with (chdir, SIGSTOP, execve: no managed code in the child).
/// A clone of this process crashing before exec would be simpler but wrong: it shares (CLONE_VM) or copies the
/// PowerShell process's memory, so its core would be hundreds of megabytes of the session's memory. /bin/sleep
/// killed with SIGSEGV could not take the target's credentials after exec, which is where fs.suid_dumpable
/// applies. The probe sets its name to "diag-coreprobe", so %e in a pattern never names it like the target,
/// and it is never started where its core would replace an existing file. Limits are set on the stopped probe
/// with prlimit; no limit or sysctl of anything else changes.
/// </remarks>
internal static unsafe class CoreProbe
{
    private static readonly TimeSpan CrashDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HandlerDeadline = TimeSpan.FromSeconds(15);

    public static ProbeResult Run(ProbePlan plan, CancellationToken cancel)
    {
        var checklist = plan.Checklist;
        using var memfd = CreateImage(out var imageError);
        if (memfd is null) return ProbeResult.Failed(imageError, plan.Compromises);
        {
            bool filePattern = checklist.Pattern.Kind == CorePatternKind.File;
            ProbeDirectory? directory = null;
            int directoryErrno = 0;
            if (filePattern && checklist.Location is { } location)
                directory = ProbeDirectory.Open(location.DirectoryOnHost, out directoryErrno);
            using (directory)
            {
                var before = directory?.Names() ?? [];
                var store = StoreSnapshot(checklist.Handler);
                var started = Stopwatch.StartNew();

                using var strings = new NativeStrings();
                using var child = new ClonedChild(CloneTrampoline.CLONE_VM | CloneTrampoline.SIGCHLD, CloneTrampoline.ModeLaunch);
                var request = child.Request;
                request->Path = (ulong)strings.Add("/proc/self/fd/" + memfd.Value.ToString(CultureInfo.InvariantCulture));
                request->Argv = (ulong)strings.AddArray(plan.Arguments());
                request->Envp = (ulong)strings.AddArray([]);
                request->WorkingDirectory = (ulong)strings.Add(plan.WorkingDirectory);
                int pid;
                try
                {
                    pid = child.Start();
                }
                catch (SyscallException e)
                {
                    return ProbeResult.Failed("cannot start it: " + e.Message, plan.Compromises);
                }

                int status;
                while (Libc.WaitPid(pid, &status, Libc.WUNTRACED | Libc.__WALL) < 0)
                    if (Libc.LastErrno != Errno.EINTR) return ProbeResult.Failed("waitpid: " + Errno.GetName(Libc.LastErrno), plan.Compromises);
                if (!Libc.WIfStopped(status))
                {
                    int errno = (int)request->ChildErrno;
                    return ProbeResult.Failed(request->FailedStep != CloneTrampoline.StepChdir ? "it ended before it could run"
                        : errno is Errno.EACCES or Errno.EPERM
                            ? $"this user may not enter the process's current directory ({Errno.GetDescription(errno)}): run as root (sudo pwsh) to verify it"
                            : $"cannot enter the process's current directory ({Errno.GetDescription(errno)}): it has exited, or its directory is gone", plan.Compromises);
                }

                var compromises = plan.Compromises.ToList();
                SetLimit(pid, Libc.RLIMIT_CORE, plan.CoreLimit, "core", compromises);
                SetLimit(pid, Libc.RLIMIT_FSIZE, plan.FileSizeLimit, "file size", compromises);

                CoreLocation? probeLocation = null;
                if (filePattern && checklist.Facts is { } facts)
                {
                    probeLocation = CoreLocation.ForValues(checklist.Machine, checklist.Kernel, facts, ProbeValues(plan, pid), checklist.DumpsAsRoot);
                    if (probeLocation.Name.IsExact && before.Contains(probeLocation.Name.Name))
                    {
                        KillAndReap(pid);
                        return ProbeResult.Failed($"{probeLocation.Path} already exists and the probe's core would replace it: move it away (it may be the core of an earlier crash)", compromises);
                    }
                }

                Libc.Kill(pid, Libc.SIGCONT);
                if (WaitForExit(pid, cancel) is not { } exit)
                    return ProbeResult.Failed(cancel.IsCancellationRequested ? "stopped" : "it did not crash within 30 s (a pipe handler that never reads?)", compromises);
                if (!Libc.WIfSignaled(exit) || Libc.WTermSig(exit) != 11)
                    return ProbeResult.Failed(ExitText(exit, request), compromises);
                bool dumped = Libc.WCoreDump(exit);

                return filePattern
                    ? FindFile(directory, directoryErrno, before, probeLocation, dumped, compromises)
                    : FindInStore(checklist.Handler, store, pid, plan.Uid, dumped, compromises, started, cancel);
            }
        }
    }

    /// <summary>The probe program in a memfd; -errno-style failure text in <paramref name="error"/>.</summary>
    private static SafeFileDescriptor? CreateImage(out string error)
    {
        error = "";
        // MFD_EXEC (Linux 6.3+) says it is meant to be executed; older kernels refuse the flag.
        var fd = Libc.MemfdCreate("diag-core-probe", Libc.MFD_CLOEXEC | Libc.MFD_EXEC);
        if (fd.IsInvalid && Libc.LastErrno == Errno.EINVAL)
        {
            fd.Dispose();
            fd = Libc.MemfdCreate("diag-core-probe", Libc.MFD_CLOEXEC);
        }
        if (fd.IsInvalid)
        {
            error = "memfd_create: " + Errno.GetName(Libc.LastErrno) + " (vm.memfd_noexec = 2 forbids executable memfds)";
            fd.Dispose();
            return null;
        }
        var image = CoreProbeProgram.Image;
        fixed (byte* bytes = image)
        {
            if (Libc.Write(fd, bytes, (nuint)image.Length) != image.Length)
            {
                error = "cannot write the probe to its memfd";
                fd.Dispose();
                return null;
            }
        }
        return fd;
    }

    private static void SetLimit(int pid, int resource, ResourceLimitPair? limit, string what, List<string> compromises)
    {
        if (limit is not { } l) return;
        var value = new Libc.ResourceLimit { Current = l.SoftValue, Maximum = l.Hard ?? ulong.MaxValue };
        if (Libc.PrLimit(pid, resource, &value, null) == 0) return;
        // Raising a hard limit above ours needs CAP_SYS_RESOURCE: keep the soft value, under our hard limit.
        Libc.ResourceLimit current;
        if (Libc.PrLimit(pid, resource, null, &current) == 0)
        {
            value = new Libc.ResourceLimit { Current = Math.Min(l.SoftValue, current.Maximum), Maximum = current.Maximum };
            if (Libc.PrLimit(pid, resource, &value, null) == 0 && value.Current == l.SoftValue) return;
        }
        compromises.Add($"could not take its {what} limit ({l})");
    }

    private static CoreNameValues ProbeValues(ProbePlan plan, int pid) => new()
    {
        Pid = pid,
        GlobalPid = pid,
        Uid = plan.Uid,
        Gid = plan.Gid,
        Dumpable = plan.Dumpable,
        Signal = 11,
        Host = MachineRoot.ReadHostText("/proc/sys/kernel/hostname")?.Trim(),
        Comm = CoreProbeProgram.Name,
        ExecutablePath = null, // a memfd's "/memfd:diag-core-probe (deleted)": matched as a wildcard
        CoreLimit = plan.CoreLimit?.SoftValue,
    };

    private static int? WaitForExit(int pid, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        int status;
        while (true)
        {
            int r = Libc.WaitPid(pid, &status, Libc.WNOHANG | Libc.__WALL);
            if (r == pid) return status;
            if (r < 0 && Libc.LastErrno != Errno.EINTR) return null;
            if (cancel.IsCancellationRequested || deadline.Elapsed > CrashDeadline)
            {
                KillAndReap(pid);
                return null;
            }
            Thread.Sleep(1);
        }
    }

    private static void KillAndReap(int pid)
    {
        Libc.Kill(pid, Libc.SIGKILL); // SIGKILL never dumps core
        int status;
        while (Libc.WaitPid(pid, &status, Libc.__WALL) < 0 && Libc.LastErrno == Errno.EINTR)
        {
        }
    }

    private static string ExitText(int status, CloneTrampoline.Request* request)
    {
        if (Libc.WIfSignaled(status)) return $"it was killed by signal {Libc.WTermSig(status)} instead of crashing";
        return Libc.WExitStatus(status) switch
        {
            127 => $"it could not be executed from its memfd ({Errno.GetDescription((int)request->ChildErrno)}; vm.memfd_noexec or a noexec policy?)",
            CoreProbeProgram.ExitChroot => "it could not enter the process's root (chroot)",
            CoreProbeProgram.ExitSetGroups or CoreProbeProgram.ExitSetGid or CoreProbeProgram.ExitSetUid => "it could not take the process's credentials",
            CoreProbeProgram.ExitDumpable => "it could not mark itself dumpable",
            CoreProbeProgram.ExitSurvived => "it survived its own SIGSEGV",
            var code => $"it exited with status {code}",
        };
    }

    private static ProbeResult FindFile(ProbeDirectory? directory, int directoryErrno, HashSet<string> before, CoreLocation? location,
        bool dumped, List<string> compromises)
    {
        if (directory is null || location is null)
            return ProbeResult.NotFound(dumped ? ProbeOutcome.Unproven : ProbeOutcome.NoCore, dumped,
                $"its directory cannot be opened ({Errno.GetDescription(directoryErrno)})", compromises);
        foreach (var name in directory.Names().Except(before).Where(n => location.Name.NameMatch.IsMatch(n)).Order(StringComparer.Ordinal))
        {
            if (directory.CoreFileSize(name) is not { } bytes) continue;
            var path = location.Directory.TrimEnd('/') + "/" + name;
            return ProbeResult.Found(path, bytes, dumped, directory.Delete(name),
                $"the probe's core was at {path}" + (dumped ? "" : " (cut short: the kernel stopped at a limit)"), compromises);
        }
        return ProbeResult.NotFound(dumped ? ProbeOutcome.Unproven : ProbeOutcome.NoCore, dumped,
            dumped ? $"the kernel reports a core written, but none matching {location.Name.Name} is in {location.Directory}"
                   : $"the kernel wrote no core to {location.Directory}", compromises);
    }

    private static HashSet<string> StoreSnapshot(CoreHandler? handler)
    {
        if (handler?.StoreDirectory is not { } store) return [];
        try
        {
            return Directory.EnumerateFileSystemEntries(store).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static ProbeResult FindInStore(CoreHandler? handler, HashSet<string> before, int pid, uint uid, bool dumped,
        List<string> compromises, Stopwatch started, CancellationToken cancel)
    {
        var name = handler?.Name ?? "the handler";
        if (!dumped) return ProbeResult.NotFound(ProbeOutcome.NoCore, false, $"the kernel handed no core to {name}", compromises);
        if (handler?.StoreDirectory is not { } store)
            return ProbeResult.NotFound(ProbeOutcome.Unproven, true, $"the kernel handed the core to {name}, whose store Diag does not know", compromises);

        bool systemd = handler.Kind == CoreHandlerKind.SystemdCoredump;
        bool external = systemd && handler.Systemd?.Storage == "external";
        var pidText = pid.ToString(CultureInfo.InvariantCulture);
        // systemd-coredump: core.COMM.UID.BOOTID.PID.USEC[.zst]; apport and abrt name the pid or the program.
        bool Mine(string entry) => systemd
            ? entry.StartsWith($"core.{CoreProbeProgram.Name}.{uid.ToString(CultureInfo.InvariantCulture)}.", StringComparison.Ordinal) && entry.Contains($".{pidText}.", StringComparison.Ordinal)
            : entry.Contains(pidText, StringComparison.Ordinal) || entry.Contains(CoreProbeProgram.Name, StringComparison.Ordinal) || entry.Contains("memfd", StringComparison.Ordinal);
        var deadline = external ? HandlerDeadline : TimeSpan.FromSeconds(3);
        while (!cancel.IsCancellationRequested)
        {
            // systemd-coredump links a finished file into place, so a name that appears is complete.
            foreach (var entry in StoreSnapshot(handler).Except(before).Where(Mine))
            {
                var path = store + "/" + entry;
                long bytes = Directory.Exists(path) ? 0 : new FileInfo(path).Length;
                return ProbeResult.Found(path, bytes, true, ProbeDirectory.DeleteEntry(path),
                    $"{name} kept the probe's core at {path}" + (systemd ? " (its journal entry stays)" : ""), compromises);
            }
            if (started.Elapsed > deadline) break;
            Thread.Sleep(100);
        }
        if (external)
            return ProbeResult.NotFound(ProbeOutcome.NoCore, true,
                $"systemd-coredump got the core but stored nothing in {store} (journalctl -t systemd-coredump says why)", compromises);
        return ProbeResult.NotFound(ProbeOutcome.Unproven, true, systemd
            ? $"systemd-coredump keeps cores in the journal (coredumpctl info {pidText}), which Diag cannot read or clean"
            : $"the kernel handed the core to {name}, which kept nothing Diag can find in {store} (it skips programs that are not from a package)",
            compromises);
    }
}
