using System.Diagnostics;

namespace Diag.TestSupport;

/// <summary>
/// A diag-test-target run through its <c>spawn</c> mode, so that the traced process is a grandchild of
/// the test host: a process cannot trace its own children (see PtraceRefusal.ChildOfHost). Same
/// protocol as <see cref="TargetProcess"/> (THREAD/READY lines, status, stdin EOF to end).
/// </summary>
public sealed class SpawnedTarget : IDisposable
{
    private readonly TargetProcess _spawner;

    private SpawnedTarget(TargetProcess spawner, int pid)
    {
        _spawner = spawner;
        Pid = pid;
    }

    /// <summary>The traced process (the spawner's child).</summary>
    public int Pid { get; }

    public IReadOnlyDictionary<string, int> Threads => _spawner.Threads;

    public static SpawnedTarget Start(params string[] args) => StartExecutable(TargetProcess.ExecutablePath, args);

    /// <summary>The same with another build or copy of the target.</summary>
    public static SpawnedTarget StartExecutable(string executable, params string[] args)
    {
        var info = new ProcessStartInfo(executable);
        foreach (var a in new[] { "spawn" }.Concat(args)) info.ArgumentList.Add(a);
        return Start(info);
    }

    /// <summary>A command that starts the target below it (a shell that backgrounds a runtime, unshare running a
    /// spawner); the target prints READY with its PID.</summary>
    public static SpawnedTarget Start(ProcessStartInfo spawnerInfo)
    {
        var spawner = TargetProcess.Start(spawnerInfo);
        return new SpawnedTarget(spawner, spawner.ReadyPid);
    }

    public IReadOnlyDictionary<string, long> Status() => _spawner.Status();

    /// <summary>Waits until the main thread blocks reading its commands. READY comes before that: glibc stats
    /// stdin on its first read, a call a trace started at READY can still see.</summary>
    public void WaitUntilIdle() => TargetProcess.WaitUntilReading(Pid, Pid);

    /// <summary>A command of the <c>calls</c> mode; see <see cref="TargetProcess.Command"/>.</summary>
    public void Command(string command) => _spawner.Command(command);

    public void Dispose() => _spawner.Dispose();
}
