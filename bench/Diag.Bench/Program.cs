// Diag's benchmarks: each compares a cmdlet's engine with the classic tool it replaces, in one run.
//   dotnet run -c Release --project bench/Diag.Bench -- threadcpu [THREADS] [--proc]   (--proc: only the /proc path)
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
//   dotnet run -c Release --project bench/Diag.Bench -- network [ENTRIES] [NEIGHBORS] [RUNS]  (vs conntrack -C/-S/-L, ip neigh, ip -s ntable)
namespace Diag.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "threadcpu": return ThreadCpuBenchmark.Run(args[1..]);
            case "syscall": return SyscallBenchmark.Run(args[1..]);
            case "coredump": return CoreDumpBenchmark.Run(args[1..]);
            case "toa": return ToaBenchmark.Run(args[1..]);
            case "pipepeer": return PipePeerBenchmark.Run(args[1..]);
            case "stack": return StackBenchmark.Run(args[1..]);
            case "kernel": return KernelSyscallBenchmark.Run(args[1..]);
            case "btf": return BtfBenchmark.Run(args[1..]);
            case "btf-once": return BtfBenchmark.RunOnce();
            case "bpfattach": return BpfAttachBenchmark.Run(args[1..]);
            case "signals": return SignalBenchmark.Run(args[1..]);
            case "memorymap": return MemoryMapBenchmark.Run(args[1..]);
            case "limits": return ProcessLimitBenchmark.Run(args[1..]);
            case "network": return NetworkBenchmark.Run(args[1..]);
            default:
                Console.Error.WriteLine("usage: Diag.Bench NAME [ARGUMENTS]: the names and their arguments are listed at the top of bench/Diag.Bench/Program.cs");
                return 2;
        }
    }
}
