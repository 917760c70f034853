using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.Output;
using L = Diag.Linux.ProcessEvents.Kernel.ProcessRecordLayout;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>Turns a record of the kernel programs (<see cref="ProcessRecordLayout"/>) into a <see cref="ProcessEvent"/>.
/// Fork and exit records name their executable by (device, inode): the <see cref="ExecutableIndex"/> resolves it.</summary>
internal sealed class ProcessRecordDecoder
{
    private readonly EventClock _clock;
    private readonly CgroupPaths _cgroups;
    private readonly ExecutableIndex _executables;

    public ProcessRecordDecoder(EventClock clock, CgroupPaths cgroups, ExecutableIndex executables)
    {
        _clock = clock;
        _cgroups = cgroups;
        _executables = executables;
    }

    /// <summary>The event of <paramref name="record"/>; null for a record too short to be one.</summary>
    public ProcessEvent? Decode(ReadOnlySpan<byte> record)
    {
        if (record.Length < L.HeaderSize)
            return null;
        var kind = U32(record, L.Kind);
        var flags = U32(record, L.Flags);
        var time = U64(record, L.Time);
        var pid = (int)U32(record, L.ProcessId);
        var start = U64(record, L.StartTime);
        var cgroupId = U64(record, L.CgroupId);
        var cgroup = _cgroups.PathOf(cgroupId);
        var uid = (int)U32(record, L.UserId);

        string? path = null, interpreter = null, requested = null, cwd = null, commandLine = null, error = null, signal = null;
        var deleted = false;
        var late = false;
        var arguments = ItemList<string>.Empty;
        int? exitCode = null;
        var coreDumped = false;
        TimeSpan? lifetime = null;

        if (kind is L.KindExec or L.KindExecFailed)
        {
            var data = record[L.HeaderSize..];
            var walked = Take(ref data, U16(record, L.PathLength));
            var cwdBytes = Take(ref data, U16(record, L.CwdLength));
            var filename = Take(ref data, U16(record, L.FilenameLength));
            var argumentBytes = Take(ref data, U16(record, L.ArgumentLength));

            cwd = (flags & L.FlagCwdCut) == 0 ? WalkedPath.Decode(cwdBytes, reachedRoot: true) : LateLink(pid, "cwd", ref late);
            requested = filename.IsEmpty ? null : Encoding.UTF8.GetString(TrimNul(filename));
            var args = SplitArguments(argumentBytes);
            arguments = ItemList.Of(args);
            commandLine = args.Count == 0 ? null : string.Join(' ', args);
            if (kind == L.KindExecFailed)
            {
                error = Errno.GetName((int)U32(record, L.Code));
                path = Absolute(requested, cwd);
            }
            else
            {
                var file = (flags & L.FlagPathCut) == 0 ? WalkedPath.Decode(walked, reachedRoot: false) : LateLink(pid, "exe", ref late);
                if ((flags & L.FlagScript) != 0)
                {
                    interpreter = file;
                    path = Absolute(requested, cwd) ?? file;
                }
                else
                {
                    path = file;
                    deleted = (flags & L.FlagPathDeleted) != 0;
                    if (file is not null && (flags & L.FlagPathCut) == 0)
                        _executables.Learn(U64(record, L.ExeInode), U32(record, L.ExeDevice), new ExecutablePath(file, deleted, false));
                }
            }
        }
        else
        {
            var inode = U64(record, L.ExeInode);
            if (inode != 0 && _executables.Find(inode, U32(record, L.ExeDevice)) is { } exe)
            {
                path = exe.Path;
                deleted = exe.Deleted;
            }
            else if (inode != 0 && kind == L.KindFork)
            {
                path = LateLink(pid, "exe", ref late); // the map was full: the child still runs its parent's program
            }
            if (kind == L.KindExit)
            {
                var status = (int)U32(record, L.Code);
                if ((status & 0x7f) == 0)
                    exitCode = (status >> 8) & 0xff;
                else
                {
                    signal = Syscalls.Decoding.SignalNames.Name(status & 0x7f);
                    coreDumped = (status & 0x80) != 0;
                }
                if (start != 0 && time > start)
                    lifetime = TimeSpan.FromTicks((long)((time - start) / 100));
            }
        }

        return new ProcessEvent
        {
            Timestamp = _clock.ToLocal(time),
            EventKind = kind switch { L.KindFork => ProcessEventKind.Fork, L.KindExit => ProcessEventKind.Exit, _ => ProcessEventKind.Exec },
            ProcessId = pid,
            ThreadId = (int)U32(record, L.ThreadId),
            Name = Comm(record, L.Comm),
            ParentId = (int)U32(record, L.ParentId),
            ParentName = Comm(record, L.ParentComm),
            ParentThreadId = (int)U32(record, L.ParentThreadId),
            ParentThreadName = Comm(record, L.ParentThreadComm),
            UserId = uid,
            UserName = UserNames.NameOf(uid),
            GroupId = (int)U32(record, L.GroupId),
            Path = path,
            PathDeleted = deleted,
            Interpreter = interpreter,
            RequestedPath = requested,
            CommandLine = commandLine,
            Arguments = arguments,
            CommandLineCut = (flags & L.FlagArgumentsCut) != 0,
            ArgumentBytes = (int)U32(record, L.ArgumentBytes),
            WorkingDirectory = cwd,
            Error = error,
            ExitCode = exitCode,
            Signal = signal,
            CoreDumped = coreDumped,
            Lifetime = lifetime,
            StartTime = start == 0 ? null : _clock.ToLocal(start),
            CgroupId = (long)cgroupId,
            Cgroup = cgroup,
            ContainerId = ContainerIds.FromCgroup(cgroup),
            NamespaceProcessId = U32(record, L.NamespaceProcessId) is var nsPid and > 0 ? (int)nsPid : pid,
            SourceKind = ProcessEventSource.Kernel,
            IsLate = late,
        };
    }

    /// <summary>The arguments as /proc/PID/cmdline holds them: NUL-terminated, the last one maybe cut (no NUL).</summary>
    internal static List<string> SplitArguments(ReadOnlySpan<byte> bytes)
    {
        var args = new List<string>();
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)0);
            args.Add(Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]));
            bytes = end < 0 ? default : bytes[(end + 1)..];
        }
        return args;
    }

    /// <summary>A file name the exec was given, made absolute against the working directory ("." and ".." resolved
    /// as the kernel resolves them only when no link is involved: close enough to name the file).</summary>
    internal static string? Absolute(string? name, string? cwd)
    {
        if (string.IsNullOrEmpty(name))
            return null;
        if (name.StartsWith('/'))
            return System.IO.Path.GetFullPath(name);
        return cwd is null ? null : System.IO.Path.GetFullPath(name, cwd);
    }

    /// <summary>The target of /proc/PID/LINK, read now (the record's copy was cut); marks the event late.</summary>
    private static string? LateLink(int pid, string link, ref bool late)
    {
        late = true;
        try
        {
            return new FileInfo($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{link}").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> data, int length)
    {
        length = Math.Min(length, data.Length);
        var part = data[..length];
        data = data[length..];
        return part;
    }

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> text)
    {
        var end = text.IndexOf((byte)0);
        return end < 0 ? text : text[..end];
    }

    private static string Comm(ReadOnlySpan<byte> record, int at) => Encoding.UTF8.GetString(TrimNul(record.Slice(at, 16)));

    private static uint U32(ReadOnlySpan<byte> record, int at) => BinaryPrimitives.ReadUInt32LittleEndian(record[at..]);

    private static ushort U16(ReadOnlySpan<byte> record, int at) => BinaryPrimitives.ReadUInt16LittleEndian(record[at..]);

    private static ulong U64(ReadOnlySpan<byte> record, int at) => BinaryPrimitives.ReadUInt64LittleEndian(record[at..]);
}
