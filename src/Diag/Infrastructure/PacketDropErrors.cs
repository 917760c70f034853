using System.Management.Automation;
using Diag.Linux.PacketDrops;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Get-PacketDrop: a watch that cannot start, and filters this kernel cannot apply.</summary>
internal static class PacketDropErrors
{
    public static DiagError CannotStart(DropWatchException e) => e.Failure switch
    {
        DropWatchFailure.NotPermitted => new(e, "PacketDropNotPermitted", ErrorCategory.PermissionDenied, null,
            "Run pwsh as root (sudo pwsh), or give it CAP_BPF and CAP_PERFMON (Linux 5.8+). In a container, the container needs them too."),
        DropWatchFailure.KernelUnsupported => new(e, "PacketDropKernelUnsupported", ErrorCategory.NotImplemented, null,
            "Get-PacketDrop needs Linux 5.17 or later with BTF (CONFIG_DEBUG_INFO_BTF, /sys/kernel/btf/vmlinux). On an older kernel, the kernel's counters (netstat -s, nstat) are what is left."),
        _ => new(e, "PacketDropRefused", ErrorCategory.InvalidOperation, null,
            "The message has the kernel's words; report it with the kernel version (uname -r)."),
    };

    public static DiagError InvalidAddress(FormatException e, string text) => new(e, "InvalidAddress", ErrorCategory.InvalidArgument, text,
        "Give an address (192.168.2.120, 2001:db8::1) or a network in CIDR notation (10.0.0.0/8, 2001:db8::/32).");

    public static DiagError UnknownReason(string pattern, DropReasons reasons) => new(
        new ArgumentException($"This kernel ({reasons.Kernel}) has no drop reason matching '{pattern}'."),
        "UnknownReason", ErrorCategory.InvalidArgument, pattern,
        $"Use the kernel's names (tab completion lists them), with wildcards if you like: {string.Join(", ", reasons.Names.Take(12))}...");

    public static DiagError InvalidFilter(ArgumentException e, object? target) => new(e, "InvalidFilter", ErrorCategory.InvalidArgument, target,
        "Interface names are at most 15 characters, with one * at the end at most (eth0, veth*).");

    public static DiagError CountWithSummary() => new(
        new ArgumentException("-Count counts streamed drops; a summary counts every drop in the kernel until -Duration or Ctrl+C."),
        "CountWithSummary", ErrorCategory.InvalidArgument, null,
        "Drop -Count, or use -Duration with -Summary (Get-PacketDrop -Summary -Duration 10).");

    public static DiagError IntervalWithoutSummary() => new(
        new ArgumentException("-Interval sets how often a summary reports; without -Summary (or -ByFlow) drops are streamed as they happen."),
        "IntervalWithoutSummary", ErrorCategory.InvalidArgument, null,
        "Add -Summary (Get-PacketDrop -Summary -Interval 5), or drop -Interval.");

    public static DiagError NoNamespace(int pid) => new(
        new ItemNotFoundException($"The network namespace of process {pid} could not be read (/proc/{pid}/ns/net): it exited, or this session may not read it."),
        "NamespaceNotReadable", ErrorCategory.ObjectNotFound, pid,
        "Run as root to read another user's process; or give the namespace's inode with -NetworkNamespace (ls -Li /proc/PID/ns/net).");
}
