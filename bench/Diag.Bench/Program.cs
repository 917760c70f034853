// Diag's benchmarks: each compares a cmdlet's engine with the classic tool it replaces, in one run.
//   dotnet run -c Release --project bench/Diag.Bench -- threadcpu [THREADS] [--proc]   (--proc: only the /proc path)
//   dotnet run -c Release --project bench/Diag.Bench -- threadcalls [CALLS]             (what Get-ThreadCpu's syscall counting adds to each call)
//   dotnet run -c Release --project bench/Diag.Bench -- coredump [RUNS]
//   dotnet run -c Release --project bench/Diag.Bench -- toa [PACKETS] [--no-pwsh]
//   dotnet run -c Release --project bench/Diag.Bench -- pipepeer [PROCESSES] [FDS]      (against lsof -n -P)
//   dotnet run -c Release --project bench/Diag.Bench -- stack [RUNS]
//   dotnet run -c Release --project bench/Diag.Bench -- kernel [CALLS] [RUNS]          (Trace-Syscall's kernel backend vs bpftrace, strace, ptrace)
//   dotnet run -c Release --project bench/Diag.Bench -- btf [RUNS]                     (kernel BTF and kallsyms, cold, vs pahole and bpftool)
//   dotnet run -c Release --project bench/Diag.Bench -- bpfattach [ATTACHES] [CALLS]   (the eBPF layer: load, attach, detach and per-call cost of each link type)
//   dotnet run -c Release --project bench/Diag.Bench -- signals [RUNS] [LOAD]          (signals delivered and shown, against strace -f -p)
//   dotnet run -c Release --project bench/Diag.Bench -- memorymap [MAPPINGS] [RUNS]    (Get-ProcessMemoryMap against pmap -X)
//   dotnet run -c Release --project bench/Diag.Bench -- limits [RUNS]                  (Get-ProcessLimit against prlimit)
//   dotnet run -c Release --project bench/Diag.Bench -- fileorigin [RUNS] [PACKAGES]   (Get-FileOrigin vs dpkg -S, Test-PackageIntegrity vs debsums -c)
//   dotnet run -c Release --project bench/Diag.Bench -- filecap [FILES] [RUNS]         (Get-FileCapability -Recurse vs getcap -r)
//   dotnet run -c Release --project bench/Diag.Bench -- processexec [EXECS] [RUNS]     (Watch-ProcessExec's cost per fork+exec+exit vs an execsnoop-style bpftrace)
//   dotnet run -c Release --project bench/Diag.Bench -- network [ENTRIES] [NEIGHBORS] [RUNS]  (vs conntrack -C/-S/-L, ip neigh, ip -s ntable)
//   dotnet run -c Release --project bench/Diag.Bench -- packetdrop [DROPS] [RUNS]      (Get-PacketDrop's cost per drop, streaming and -Summary, vs seed 001's bpftrace on kfree_skb; tracefs: see its header)
namespace Diag.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "threadcpu": return ThreadCpuBenchmark.Run(args[1..]);
            case "threadcalls": return SyscallCountBenchmark.Run(args[1..]);
            case "syscall": return SyscallBenchmark.Run(args[1..]);
            case "coredump": return CoreDumpBenchmark.Run(args[1..]);
            case "toa": return ToaBenchmark.Run(args[1..]);
            case "pipepeer": return PipePeerBenchmark.Run(args[1..]);
            case "stack": return StackBenchmark.Run(args[1..]);
            case "kernel": return KernelSyscallBenchmark.Run(args[1..]);
            case "btf": return BtfBenchmark.Run(args[1..]);
            case "btf-once": return BtfBenchmark.RunOnce();
            case "fileorigin": return FileOriginBenchmark.Run(args[1..]);
            case "fileorigin-once": return FileOriginBenchmark.RunOnce(args[1..]);
            case "filecap": return FileCapabilityBenchmark.Run(args[1..]);
            case "bpfattach": return BpfAttachBenchmark.Run(args[1..]);
            case "signals": return SignalBenchmark.Run(args[1..]);
            case "memorymap": return MemoryMapBenchmark.Run(args[1..]);
            case "limits": return ProcessLimitBenchmark.Run(args[1..]);
            case "processexec": return ProcessExecBenchmark.Run(args[1..]);
            case "network": return NetworkBenchmark.Run(args[1..]);
            case "packetdrop": return PacketDropBenchmark.Run(args[1..]);
            default:
                Console.Error.WriteLine("usage: Diag.Bench NAME [ARGUMENTS]: the names and their arguments are listed at the top of bench/Diag.Bench/Program.cs");
                Console.Error.WriteLine("usage: Diag.Bench threadcpu [THREADS] [--proc] | threadcalls [CALLS] | syscall [CALLS] [RUNS] | coredump [RUNS] | toa [PACKETS] [--no-pwsh] | pipepeer [PROCESSES] [FDS] | stack [RUNS] | kernel [CALLS] [RUNS] | btf [RUNS] | bpfattach [ATTACHES] [CALLS]");
                return 2;
        }
    }
}
