using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// Where the process-event programs find what they read, in the running kernel's structures (CO-RE: every offset
/// comes from the kernel's BTF as the programs are assembled). A member this kernel lacks is a
/// <see cref="KernelLayoutException"/> naming it, before anything is loaded.
/// </summary>
internal sealed class KernelOffsets
{
    /// <summary>PF_KTHREAD in task_struct.flags (include/linux/sched.h; unchanged since 2.6).</summary>
    public const int KernelThreadFlag = 0x00200000;

    public KernelOffsets(BtfLayout layout)
        : this(layout.Kernel, layout.Offset, name => layout.SizeOf(name))
    {
    }

    /// <summary>Offsets from any source: the running kernel's layout, or a fixed table (the reviewed listings).</summary>
    internal KernelOffsets(string kernel, Func<string, string, short> offset, Func<string, long> sizeOf)
    {
        var layout = new Resolver(offset, sizeOf);
        Kernel = kernel;
        TaskPid = layout.Offset("task_struct", "pid");
        TaskTgid = layout.Offset("task_struct", "tgid");
        TaskComm = layout.Offset("task_struct", "comm");
        TaskRealParent = layout.Offset("task_struct", "real_parent");
        TaskGroupLeader = layout.Offset("task_struct", "group_leader");
        TaskMm = layout.Offset("task_struct", "mm");
        TaskFs = layout.Offset("task_struct", "fs");
        TaskStartTime = layout.Offset("task_struct", "start_time");
        TaskExitCode = layout.Offset("task_struct", "exit_code");
        TaskFlags = layout.Offset("task_struct", "flags");
        TaskSignal = layout.Offset("task_struct", "signal");
        TaskThreadPid = layout.Offset("task_struct", "thread_pid");
        TaskRealCred = layout.Offset("task_struct", "real_cred");
        CredUid = layout.Offset("cred", "uid.val");
        CredGid = layout.Offset("cred", "gid.val");
        SignalLive = layout.Offset("signal_struct", "live.counter");
        MmArgStart = layout.Offset("mm_struct", "arg_start");
        MmArgEnd = layout.Offset("mm_struct", "arg_end");
        MmExeFile = layout.Offset("mm_struct", "exe_file");
        FileFPath = layout.Offset("file", "f_path");
        FileFInode = layout.Offset("file", "f_inode");
        PathMnt = layout.Offset("path", "mnt");
        PathDentry = layout.Offset("path", "dentry");
        InodeIno = layout.Offset("inode", "i_ino");
        InodeSb = layout.Offset("inode", "i_sb");
        SuperBlockDev = layout.Offset("super_block", "s_dev");
        DentryHashPprev = layout.Offset("dentry", "d_hash.pprev");
        DentryParent = layout.Offset("dentry", "d_parent");
        DentryName = layout.Offset("dentry", "d_name");
        QstrLen = layout.Offset("qstr", "len");
        QstrName = layout.Offset("qstr", "name");
        VfsmountRoot = layout.Offset("vfsmount", "mnt_root");
        MountMnt = layout.Offset("mount", "mnt");
        MountParent = layout.Offset("mount", "mnt_parent");
        MountMountpoint = layout.Offset("mount", "mnt_mountpoint");
        FsPwd = layout.Offset("fs_struct", "pwd");
        BprmFile = layout.Offset("linux_binprm", "file");
        BprmFilename = layout.Offset("linux_binprm", "filename");
        BprmInterp = layout.Offset("linux_binprm", "interp");
        PidLevel = layout.Offset("pid", "level");
        PidNumbers = layout.Offset("pid", "numbers");
        UpidNr = layout.Offset("upid", "nr");
        UpidSize = (int)layout.SizeOf("upid");
        RegsDi = layout.Offset("pt_regs", "di");
        RegsSi = layout.Offset("pt_regs", "si");
        RegsDx = layout.Offset("pt_regs", "dx");
        RegsOrigAx = layout.Offset("pt_regs", "orig_ax");
        if (DentryParent != DentryHashPprev + 8 || DentryName != DentryParent + 8 || QstrName != 8)
            throw new KernelLayoutException($"this kernel's ({Kernel}) struct dentry does not keep d_hash.pprev, d_parent and d_name together, which the path walk reads at once", "dentry", "d_name");
        if (MountMountpoint != MountParent + 8)
            throw new KernelLayoutException($"this kernel's ({Kernel}) struct mount does not keep mnt_parent and mnt_mountpoint together", "mount", "mnt_mountpoint");
    }

    private sealed class Resolver(Func<string, string, short> offset, Func<string, long> sizeOf)
    {
        public short Offset(string structure, string path) => offset(structure, path);

        public long SizeOf(string name) => sizeOf(name);
    }

    /// <summary>The kernel these offsets are for, for messages.</summary>
    public string Kernel { get; }

    public short TaskPid { get; }
    public short TaskTgid { get; }
    public short TaskComm { get; }
    public short TaskRealParent { get; }
    public short TaskGroupLeader { get; }
    public short TaskMm { get; }
    public short TaskFs { get; }
    public short TaskStartTime { get; }
    public short TaskExitCode { get; }
    public short TaskFlags { get; }
    public short TaskSignal { get; }
    public short TaskThreadPid { get; }
    public short TaskRealCred { get; }
    public short CredUid { get; }
    public short CredGid { get; }
    public short SignalLive { get; }
    public short MmArgStart { get; }
    public short MmArgEnd { get; }
    public short MmExeFile { get; }
    public short FileFPath { get; }
    public short FileFInode { get; }
    public short PathMnt { get; }
    public short PathDentry { get; }
    public short InodeIno { get; }
    public short InodeSb { get; }
    public short SuperBlockDev { get; }
    public short DentryHashPprev { get; }
    public short DentryParent { get; }
    public short DentryName { get; }
    public short QstrLen { get; }
    public short QstrName { get; }
    public short VfsmountRoot { get; }
    public short MountMnt { get; }
    public short MountParent { get; }
    public short MountMountpoint { get; }
    public short FsPwd { get; }
    public short BprmFile { get; }
    public short BprmFilename { get; }
    public short BprmInterp { get; }
    public short PidLevel { get; }
    public short PidNumbers { get; }
    public short UpidNr { get; }
    public int UpidSize { get; }
    public short RegsDi { get; }
    public short RegsSi { get; }
    public short RegsDx { get; }
    public short RegsOrigAx { get; }
}
