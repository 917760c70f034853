using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>The calls of one process (or one thread, with ByThread), by syscall number.</summary>
internal sealed class SyscallCounters
{
    private readonly CallCounter?[] _byNumber = new CallCounter?[SyscallTable.MaxNumber + 1];
    private Dictionary<int, CallCounter>? _beyondTable;

    public SyscallCounters(int processId, int? threadId)
    {
        ProcessId = processId;
        ThreadId = threadId;
    }

    public int ProcessId { get; }

    public int? ThreadId { get; }

    public void Record(int number, long elapsedTicks, long returnValue) =>
        CounterFor(number).Add(elapsedTicks, returnValue);

    /// <summary>Every syscall with at least one call.</summary>
    public IEnumerable<KeyValuePair<int, CallCounter>> Entries()
    {
        for (var number = 0; number < _byNumber.Length; number++)
            if (_byNumber[number] is { } counter)
                yield return new(number, counter);
        if (_beyondTable is not null)
            foreach (var entry in _beyondTable)
                yield return entry;
    }

    /// <summary>The counter of syscall <paramref name="number"/>, created on first use.</summary>
    public CallCounter CounterFor(int number)
    {
        if ((uint)number < (uint)_byNumber.Length)
            return _byNumber[number] ??= new CallCounter();
        _beyondTable ??= new Dictionary<int, CallCounter>();
        if (!_beyondTable.TryGetValue(number, out var counter))
            _beyondTable[number] = counter = new CallCounter();
        return counter;
    }
}
