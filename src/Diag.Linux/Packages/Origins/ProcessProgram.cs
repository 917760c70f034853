using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Packages.Origins;

/// <summary>
/// The program a process runs, as the kernel holds it: <c>/proc/PID/exe</c> names the path it was started from
/// (with " (deleted)" once that path was removed or replaced, and "/memfd:NAME (deleted)" for a program run from
/// memory) and opens the running file itself, whatever now lies at the path. A process in another root (a container)
/// has its path in that root, reached through <c>/proc/PID/root</c>.
/// </summary>
internal static class ProcessProgram
{
    private const string DeletedSuffix = " (deleted)";

    /// <summary>The origin of what process <paramref name="pid"/> runs, or why there is none.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="resolverFor">The resolver of a root ("/" for this machine's, /proc/PID/root for a container's).</param>
    public static (FileOrigin? Origin, FileOriginProblem? Problem) Describe(int pid, Func<string, FileOriginResolver> resolverFor)
    {
        var id = pid.ToString(CultureInfo.InvariantCulture);
        var proc = "/proc/" + id;
        var exe = ReadLink(proc + "/exe", out int errno);
        if (errno is Errno.EACCES or Errno.EPERM)
            return (null, new FileOriginProblem(FileOriginProblemKind.ProcessAccessDenied, pid,
                $"Not permitted to read which program process {pid} ({TaskStatusFile.ReadComm(pid)}) runs (/proc/{pid}/exe)."));
        if (exe is null)
        {
            return Directory.Exists(proc)
                ? (null, new FileOriginProblem(FileOriginProblemKind.NoProgram, pid, $"Process {pid} ({TaskStatusFile.ReadComm(pid)}) is a kernel thread or a zombie: it runs no program file."))
                : (null, new FileOriginProblem(FileOriginProblemKind.ProcessNotFound, pid, $"Cannot find a process with the process identifier {pid}."));
        }
        var comm = TaskStatusFile.ReadComm(pid);

        if (exe.StartsWith("/memfd:", StringComparison.Ordinal))
        {
            var memfd = exe.EndsWith(DeletedSuffix, StringComparison.Ordinal) ? exe[..^DeletedSuffix.Length] : exe;
            var b = new FileOriginBuilder(memfd)
            {
                Kind = FileNodeKind.Memory, Status = FileOriginStatus.InMemory, ProcessId = pid, ProcessName = comm,
            };
            var facts = FileFacts.Of(proc + "/exe");
            if (facts.Exists)
            {
                b.SizeBytes = facts.SizeBytes;
                b.Mode = FileFacts.ModeText(facts.Mode);
            }
            b.DigestAlgorithm = DigestAlgorithm.Sha256;
            b.ActualDigest = FileDigest.Of(proc + "/exe", DigestAlgorithm.Sha256);
            b.Findings.Add(new FileFinding(FileFindingKind.RunsFromMemory,
                $"process {pid} ({comm}) runs a program from memory ({memfd.TrimStart('/')}): no file on disk holds it and no package can own it"));
            return (b.Build(), null);
        }

        bool deleted = exe.EndsWith(DeletedSuffix, StringComparison.Ordinal);
        var path = deleted ? exe[..^DeletedSuffix.Length] : exe;
        var root = RootOf(proc, ref path);
        var resolver = resolverFor(root);

        if (!deleted)
        {
            var origin = resolver.ForPath(path, proc + "/exe");
            if (origin is null) return (null, new FileOriginProblem(FileOriginProblemKind.ProcessNotFound, pid, $"Process {pid} exited while it was read."));
            return (WithProcess(origin, pid, comm), null);
        }
        return (DescribeDeleted(resolver, proc, path, pid, comm), null);
    }

    /// <summary>A running program whose file is gone: the package that listed the path, whether the running copy still
    /// matches that package's digest, and whether another file now lies at the path (an upgrade did that).</summary>
    private static FileOrigin DescribeDeleted(FileOriginResolver resolver, string proc, string path, int pid, string comm)
    {
        var index = resolver.Index;
        var b = new FileOriginBuilder(path) { Kind = FileNodeKind.File, Status = FileOriginStatus.Deleted, ProcessId = pid, ProcessName = comm };
        var running = FileFacts.Of(proc + "/exe");
        if (running.Exists)
        {
            b.SizeBytes = running.SizeBytes;
            b.Mode = FileFacts.ModeText(running.Mode);
            b.LastWriteTime = running.LastWriteTime;
        }
        var listings = index.Find(index.Usr.Canonical(path));
        string whose = "";
        if (listings.Count > 0)
        {
            var owner = listings[0];
            b.Package = owner.Package.DisplayName;
            b.Version = owner.Package.Version;
            b.Architecture = owner.Package.Architecture;
            b.PackageManager = owner.Package.Manager;
            b.ListedAs = owner.ListedAs;
            b.Packages.AddRange(listings.Select(l => l.Package.DisplayName).Distinct());
            if (owner.Package.Expected(owner.ListedAs) is { Digest: { } expected } e)
            {
                b.DigestAlgorithm = e.Algorithm;
                b.ExpectedDigest = expected;
                b.ActualDigest = FileDigest.Of(proc + "/exe", e.Algorithm);
                whose = b.ActualDigest == expected
                    ? $"; the running copy matches package {b.Package} {b.Version}"
                    : $"; the running copy is not package {b.Package} {b.Version}'s (an older version, or a changed file)";
            }
        }
        var now = FileFacts.Of(index.Root == "/" ? path : index.Root + path);
        var replaced = now.Exists
            ? $"; a different file is at {path} now (an upgrade replaced it?): restart the process to run that one"
            : "; nothing is at that path now";
        b.Findings.Add(new FileFinding(FileFindingKind.DeletedWhileRunning,
            $"process {pid} ({comm}) runs {path}, which was deleted after it started{whose}{replaced}", relatedPackage: b.Package));
        return b.Build();
    }

    private static FileOrigin WithProcess(FileOrigin origin, int pid, string comm)
    {
        // The resolver built it for a path; the process fields are set on a copy through the builder's fields.
        var b = new FileOriginBuilder(origin.Path)
        {
            Status = origin.StatusValue, Package = origin.Package, Version = origin.Version, Architecture = origin.Architecture,
            PackageManager = origin.PackageManagerValue, ListedAs = origin.ListedAs, IsConffile = origin.IsConffile, Kind = origin.KindValue,
            LinkTarget = origin.LinkTarget, ResolvedPath = origin.ResolvedPath, SizeBytes = origin.SizeBytes, Mode = origin.Mode,
            LastWriteTime = origin.LastWriteTime, DigestAlgorithm = origin.DigestAlgorithmValue, ExpectedDigest = origin.ExpectedDigest,
            ActualDigest = origin.ActualDigest, Alternative = origin.Alternative, DivertedBy = origin.DivertedBy, Command = origin.Command,
            PathOrder = origin.PathOrder, RunsFirst = origin.RunsFirst, ProcessId = pid, ProcessName = comm,
        };
        b.Packages.AddRange(origin.Packages);
        b.Findings.AddRange(origin.Findings);
        return b.Build();
    }

    /// <summary>readlink(2), with the errno that tells "not permitted" (another user's process) from "no program"
    /// (a kernel thread, a zombie: ENOENT) apart; .NET's LinkTarget hides the difference.</summary>
    private static unsafe string? ReadLink(string path, out int errno)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        var target = new byte[4096];
        nint length;
        fixed (byte* n = name)
        fixed (byte* t = target)
            length = Libc.ReadLinkAt(ProcFileReader.CurrentDirectory, n, t, (nuint)target.Length);
        errno = length < 0 ? Libc.LastErrno : 0;
        return length < 0 ? null : System.Text.Encoding.UTF8.GetString(target, 0, (int)length);
    }

    /// <summary>"/" for a process in this machine's root, else /proc/PID/root (a container's tree, its own packages),
    /// told apart by identity: a container's root often reads "/" too. The kernel writes the program's path from this
    /// session's root where it can reach it (a chroot under /srv: /srv/jail/usr/bin/x) and from the container's own
    /// root otherwise (pivot_root: /usr/bin/x); <paramref name="path"/> is made the path inside the process's root.</summary>
    private static string RootOf(string proc, ref string path)
    {
        var theirs = FileFacts.Of(proc + "/root");
        if (!theirs.Exists || theirs.SameFileAs(FileFacts.Of("/"))) return "/";
        var link = ReadLink(proc + "/root", out _);
        if (link is { Length: > 1 } && path.StartsWith(link + "/", StringComparison.Ordinal)) path = path[link.TrimEnd('/').Length..];
        return proc + "/root";
    }
}
