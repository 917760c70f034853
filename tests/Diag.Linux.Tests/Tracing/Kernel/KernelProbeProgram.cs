using System.Globalization;
using Diag.Linux.Ptrace;
using Diag.Linux.Tracing;
using Diag.Linux.Tracing.Kernel;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>
/// This test assembly as a program, for what a test cannot do inside the test host: start a trace with
/// fewer privileges (under setpriv), in another mount namespace (under unshare), or die by SIGKILL holding
/// a trace. It prints "KEY value" lines that <see cref="KernelProbe"/> reads back.
///   dotnet Diag.Linux.Tests.dll kernel-probe kernel|auto PROGRAM ARGS...   trace a launched command to its end
///   dotnet Diag.Linux.Tests.dll kernel-probe hold PID                       trace a process until killed
///   dotnet Diag.Linux.Tests.dll bpf-probe hold                              see <see cref="Bpf.BpfProbeProgram"/>
/// </summary>
public static class KernelProbeProgram
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bpf-probe")
            return Bpf.BpfProbeProgram.Run(args[1..]);
        if (args.Length < 3 || args[0] != "kernel-probe")
        {
            Console.Error.WriteLine("usage: kernel-probe kernel|auto PROGRAM ARGS... | kernel-probe hold PID");
            return 2;
        }
        Console.WriteLine($"TRACEFS {(Directory.Exists("/sys/kernel/tracing/events") ? "mounted" : "absent")}");
        Console.WriteLine($"UID {Interop.Libc.GetEffectiveUserId()}");
        try
        {
            return args[1] switch
            {
                "kernel" => Report(KernelSyscallTracer.Start(Launch(args), new TraceOptions()), TraceBackend.Kernel, "asked for"),
                "auto" => Report(SyscallTraceBackends.Start(Launch(args), new TraceOptions())),
                "hold" => Hold(int.Parse(args[2], CultureInfo.InvariantCulture)),
                _ => 2,
            };
        }
        catch (TargetException e)
        {
            Console.WriteLine($"FAILED {e.Reason}");
            Console.WriteLine($"MESSAGE {OneLine(e.Message)}");
            Console.WriteLine($"REMEDY {OneLine(e.Remedy)}");
            Console.WriteLine($"ERRNO {e.Errno}");
            return 1;
        }
    }

    private static TraceTarget.Launch Launch(string[] args) => new(args[2], args[3..], null);

    private static int Report(StartedTrace started) => Report(started.Session, started.Backend, started.Reason);

    private static int Report(ISyscallTraceSession session, TraceBackend backend, string reason)
    {
        using (session)
        {
            Console.WriteLine($"BACKEND {backend}");
            Console.WriteLine($"REASON {reason}");
            var result = session.Completion.GetAwaiter().GetResult();
            Console.WriteLine($"RESULT {result.Backend} {result.EndReason} {result.ExitCode}");
            foreach (var row in result.Summary)
                Console.WriteLine($"ROW {row.Syscall} {row.Calls} {row.Errors}");
        }
        return 0;
    }

    private static int Hold(int pid)
    {
        var session = (KernelTraceSession)KernelSyscallTracer.Start(new TraceTarget.Process(pid), new TraceOptions());
        Console.WriteLine("PROGRAMS " + string.Join(' ', session.Programs.Select(p => p.Id)));
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite); // until the test kills this process
        return 0;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" | ");
}
