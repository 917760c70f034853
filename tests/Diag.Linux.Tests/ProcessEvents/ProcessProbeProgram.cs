using System.Globalization;
using Diag.Linux.ProcessEvents;

namespace Diag.Linux.Tests.ProcessEvents;

/// <summary>
/// A watch in a process of its own (this test assembly run as a program, as <see cref="Tracing.Kernel.KernelProbe"/>
/// starts it), so that a test can run it with fewer privileges (setpriv) or kill it while it holds the kernel's
/// programs. Prints "KEY value" lines.
///   dotnet Diag.Linux.Tests.dll process-probe auto PARENT   watch PARENT's children for a second, say which source
///   dotnet Diag.Linux.Tests.dll process-probe hold          hold a kernel watch until killed, after printing PROGRAMS
/// </summary>
internal static class ProcessProbeProgram
{
    public static int Run(string[] args)
    {
        Console.WriteLine($"UID {Interop.Libc.GetEffectiveUserId()}");
        try
        {
            if (args[0] == "hold")
            {
                using var held = ProcessWatch.Start(new ProcessWatchOptions { Source = ProcessEventSourceChoice.Kernel, Output = ProcessWatchOutput.Summary });
                Console.WriteLine("PROGRAMS " + string.Join(' ', held.KernelProgramIds));
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
                return 0;
            }
            var parent = int.Parse(args[1], CultureInfo.InvariantCulture);
            using var watch = ProcessWatch.Start(new ProcessWatchOptions { ParentIds = [parent], Duration = TimeSpan.FromSeconds(3) });
            Console.WriteLine($"SOURCE {watch.Source}");
            Console.WriteLine("READY");
            Console.Out.Flush();
            foreach (var item in watch.Run())
            {
                if (item.Kind == ProcessWatchItemKind.Verbose)
                    Console.WriteLine("VERBOSE " + item.Message!.ReplaceLineEndings(" "));
                else if (item.Kind == ProcessWatchItemKind.Event)
                    Console.WriteLine($"EVENT {item.Event!.Kind} {item.Event.ProcessId} {item.Event.Source} {item.Event.ExitCode}");
            }
            return 0;
        }
        catch (ProcessWatchException e)
        {
            Console.WriteLine($"FAILED {e.Reason}");
            Console.WriteLine($"MESSAGE {e.Message.ReplaceLineEndings(" ")}");
            Console.WriteLine($"REMEDY {e.Remedy}");
            return 1;
        }
    }
}
