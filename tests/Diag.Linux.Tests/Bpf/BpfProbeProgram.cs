namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// The eBPF layer's part of this test assembly as a program (dispatched from <see cref="Tracing.Kernel.KernelProbeProgram"/>):
///   dotnet Diag.Linux.Tests.dll bpf-probe hold
/// makes one object of every kind this kernel allows (<see cref="BpfObjectCatalog"/>), prints "IDS KIND Program:12
/// Map:34 ..." per kind and "READY", then waits to be killed with everything held.
/// </summary>
public static class BpfProbeProgram
{
    public static int Run(string[] args)
    {
        if (args is not ["hold"])
        {
            Console.Error.WriteLine("usage: bpf-probe hold");
            return 2;
        }
        var held = new List<BpfObjectCatalog.Created>();
        foreach (var kind in BpfObjectCatalog.AvailableKinds)
        {
            var created = BpfObjectCatalog.Create(kind);
            held.Add(created);
            Console.WriteLine($"IDS {kind} " + string.Join(' ', created.Ids.Select(i => $"{i.Kind}:{i.Id}")));
        }
        Console.WriteLine("READY");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite); // until the test kills this process
        GC.KeepAlive(held);
        return 0;
    }
}
