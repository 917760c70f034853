// Diag's benchmarks: each compares a cmdlet's engine with the classic tool it replaces, in one run.
//   dotnet run -c Release --project bench/Diag.Bench -- threadcpu [THREADS] [--proc]   (--proc: only the /proc path)
//   dotnet run -c Release --project bench/Diag.Bench -- kernel [CALLS] [RUNS]          (Trace-Syscall's kernel backend vs bpftrace, strace, ptrace)
namespace Diag.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "threadcpu": return ThreadCpuBenchmark.Run(args[1..]);
            case "syscall": return SyscallBenchmark.Run(args[1..]);
            case "kernel": return KernelSyscallBenchmark.Run(args[1..]);
            default:
                Console.Error.WriteLine("usage: Diag.Bench threadcpu [THREADS] [--proc] | syscall [CALLS] [RUNS] | kernel [CALLS] [RUNS]");
                return 2;
        }
    }
}
