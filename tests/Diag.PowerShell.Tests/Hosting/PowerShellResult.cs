using System.Management.Automation;

namespace Diag.PowerShell.Tests.Hosting;

/// <summary>Everything one script wrote, stream by stream.</summary>
public sealed class PowerShellResult
{
    public required IReadOnlyList<PSObject> Output { get; init; }
    public required IReadOnlyList<ErrorRecord> Errors { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required IReadOnlyList<string> Verbose { get; init; }
    public required IReadOnlyList<string> Debug { get; init; }
    public required IReadOnlyList<ProgressRecord> Progress { get; init; }
    public required IReadOnlyList<string> Information { get; init; }

    /// <summary>The terminating error, if the script ended with one.</summary>
    public RuntimeException? Terminating { get; init; }

    /// <summary>How long the script ran.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The output's base objects (PSObject unwrapped).</summary>
    public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();

    /// <summary>The single output object, unwrapped.</summary>
    public T Single<T>() => Assert.Single(Objects<T>());

    /// <summary>Fails with every error and the terminating one, so that a red test says why.</summary>
    public PowerShellResult AssertClean()
    {
        if (Terminating is not null || Errors.Count > 0)
            Assert.Fail("the script failed:\n" + string.Join("\n",
                Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}").Concat(Terminating is null ? [] : [$"terminating {Terminating.ErrorRecord.FullyQualifiedErrorId}: {Terminating.Message}"])));
        return this;
    }

    /// <summary>The one error, for tests of error records.</summary>
    public ErrorRecord SingleError() =>
        Terminating?.ErrorRecord is { } t && Errors.Count == 0 ? t : Assert.Single(Errors);
}
