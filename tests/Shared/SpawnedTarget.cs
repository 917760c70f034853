using System.Globalization;

namespace Diag.TestSupport;

/// <summary>
/// A diag-test-target run through its <c>spawn</c> mode, so that the traced process is a grandchild of
/// the test host: a process cannot trace its own children (see AttachFailure.ChildOfHost). Same
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
        var spawner = TargetProcess.StartExecutable(executable, ["spawn", .. args]);
        try
        {
            return new SpawnedTarget(spawner, ChildOf(spawner.Pid));
        }
        catch
        {
            spawner.Dispose();
            throw;
        }
    }

    public IReadOnlyDictionary<string, long> Status() => _spawner.Status();

    public void Dispose() => _spawner.Dispose();

    private static int ChildOf(int parent)
    {
        var children = File.ReadAllText($"/proc/{parent}/task/{parent}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(children.Single(), CultureInfo.InvariantCulture);
    }
}
