namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// The record the kernel programs write for each event, shared by the programs (which store at these offsets) and
/// the decoder (which reads them). A fixed header; an exec record (and a failed exec) goes on with variable data:
/// the executed file's path, the working directory, the file name the exec call was given and the argument bytes,
/// each as long as the header's length fields say, one after the other. Paths are written as the kernel walks them,
/// leaf first: each component NUL-terminated ("atd\0bin\0usr\0"), so the reader reverses them.
/// </summary>
internal static class ProcessRecordLayout
{
    // Kinds (u32 at Kind).
    public const int KindFork = 1, KindExec = 2, KindExit = 3, KindExecFailed = 4;

    // Flags (u32 at Flags).
    public const int FlagArgumentsCut = 1 << 0;     // arg_end - arg_start was more than the argument capacity
    public const int FlagPathCut = 1 << 1;          // the walk of the executed file stopped before the root
    public const int FlagCwdCut = 1 << 2;           // the walk of the working directory stopped before the root
    public const int FlagScript = 1 << 3;           // bprm->interp differs from bprm->filename: a script (or binfmt_misc)
    public const int FlagPathDeleted = 1 << 4;      // the executed file's dentry is unhashed (deleted) or detached (memfd)
    public const int FlagFilenameCut = 1 << 5;      // the exec call's file name was longer than its capacity
    public const int FlagNoMemory = 1 << 6;         // the task had no memory map (its arguments and file are unknown)

    // Header fields.
    public const short Kind = 0;             // u32
    public const short Flags = 4;            // u32
    public const short Time = 8;             // u64 ktime_get_ns (CLOCK_MONOTONIC)
    public const short ProcessId = 16;       // u32 tgid
    public const short ThreadId = 20;        // u32 pid of the thread (exec: the thread that called exec)
    public const short ParentId = 24;        // u32 real_parent's tgid
    public const short ParentThreadId = 28;  // u32 the forking thread (fork), real_parent's pid (else)
    public const short UserId = 32;          // u32 real uid
    public const short GroupId = 36;         // u32 real gid
    public const short NamespaceProcessId = 40; // u32 the process id in its own PID namespace
    public const short NamespaceLevel = 44;  // u32 the depth of that namespace (0: the initial one)
    public const short CgroupId = 48;        // u64 cgroup v2 id
    public const short StartTime = 56;       // u64 the process's start (group_leader->start_time, CLOCK_MONOTONIC)
    public const short Code = 64;            // s32 wait status (exit) or errno (failed exec)
    public const short ArgumentBytes = 68;   // u32 arg_end - arg_start (all of them, even when cut)
    public const short ExeInode = 72;        // u64 inode of the executable (mm->exe_file; exec: the new one)
    public const short ExeDevice = 80;       // u32 its device (kernel dev_t: major << 20 | minor)
    public const short PathLength = 84;      // u16 bytes of path data
    public const short CwdLength = 86;       // u16
    public const short FilenameLength = 88;  // u16
    public const short ArgumentLength = 90;  // u16
    public const short Comm = 96;            // char[16] the process (after exec: the new name)
    public const short ParentComm = 112;     // char[16] the parent process (its group leader)
    public const short ParentThreadComm = 128; // char[16] the parent thread
    public const int HeaderSize = 144;

    /// <summary>The capacities of the variable parts (each is a bound on what the programs write).</summary>
    public const int PathCapacity = 1024, CwdCapacity = 1024, FilenameCapacity = 1024, ArgumentCapacity = 4096;

    /// <summary>One path component (NAME_MAX 255 and its NUL).</summary>
    public const int ComponentCapacity = 256;

    /// <summary>How many components a walk follows (mount points included) before it says the path was cut.</summary>
    public const int WalkDepth = 48;

    /// <summary>The largest record: header and every part full.</summary>
    public const int MaxRecordSize = HeaderSize + PathCapacity + CwdCapacity + FilenameCapacity + ArgumentCapacity;

    /// <summary>The per-CPU scratch value the exec programs build their record in: twice the largest record, so that
    /// every write the verifier must bound (offset range plus size range) stays inside it.</summary>
    public const int ScratchSize = 16384;

    /// <summary>Where a walk for the executable map builds its path in the scratch value (after a whole record).</summary>
    public const int ExePathScratch = 8192;
}

/// <summary>
/// The key of the summary counters, per parent and executable: the parent's executable (device, inode) and name, and
/// the process's, so that a fork loop (atd forking atd) and its respawner (init executing atd) are rows of their own.
/// </summary>
internal static class SummaryKeyLayout
{
    public const short ParentInode = 0;   // u64
    public const short ParentDevice = 8;  // u32
    public const short Pad0 = 12;         // u32 0
    public const short ParentComm = 16;   // char[16]
    public const short Inode = 32;        // u64
    public const short Device = 40;       // u32
    public const short Pad1 = 44;         // u32 0
    public const short Comm = 48;         // char[16]
    public const int Size = 64;
}

/// <summary>The summary counters of one key (a per-CPU value: each CPU counts its own; the reader sums).</summary>
internal static class SummaryValueLayout
{
    public const short Forks = 0;          // u64
    public const short Execs = 8;          // u64
    public const short FailedExecs = 16;   // u64
    public const short Exits = 24;         // u64
    public const short ShortExits = 32;    // u64 exits that lived less than the short-life threshold
    public const short LifetimeSum = 40;   // u64 ns, over every exit
    public const short LastTime = 48;      // u64 ktime of the latest event on this CPU
    public const short LastProcessId = 56; // u32
    public const short LastParentId = 60;  // u32
    public const int Size = 64;
}

/// <summary>The executable map: a file (device, inode) to its path, walked once in the kernel the first time a
/// program meets it, so that fork and exit events (and summary rows) name files without a walk each.</summary>
internal static class ExeKeyLayout
{
    public const short Inode = 0;   // u64
    public const short Device = 8;  // u32
    public const short Pad = 12;    // u32 0
    public const int Size = 16;

    // The value: u16 length, u16 flags (FlagPathCut, FlagPathDeleted), u32 0, then the path as the walk wrote it.
    public const short ValueLength = 0;
    public const short ValueFlags = 2;
    public const short ValuePath = 8;
    public const int ValueSize = ValuePath + ProcessRecordLayout.PathCapacity;
}

/// <summary>Counters of writes the programs could not make (per CPU), by slot.</summary>
internal static class LostSlots
{
    public const int SummaryFull = 0;      // the summary map was full: the event was not counted
    public const int ExecutablesFull = 1;  // the executable map was full: a path stays unknown
    public const int DescendantsFull = 2;  // the descendant set was full: a new process escapes -IncludeDescendants
    public const int Count = 3;
}
