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

    public static SpawnedTarget Start(params string[] args)
    {
        var spawner = TargetProcess.Start(["spawn", .. args]);
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

    /// <summary>A command of the <c>calls</c> mode; see <see cref="TargetProcess.Command"/>.</summary>
    public void Command(string command) => _spawner.Command(command);

    public void Dispose() => _spawner.Dispose();

    private static int ChildOf(int parent)
    {
        var children = File.ReadAllText($"/proc/{parent}/task/{parent}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(children.Single(), CultureInfo.InvariantCulture);
    }
}
