namespace Diag.Linux.CoreDumps;

/// <summary>What the -Verify probe proved.</summary>
public enum ProbeOutcome
{
    /// <summary>No probe was run (no -Verify, or -WhatIf).</summary>
    NotRun,

    /// <summary>The probe's core was found where the configuration says, and deleted.</summary>
    CoreFound,

    /// <summary>The probe crashed and left no core (and the kernel says it dumped none).</summary>
    NoCore,

    /// <summary>The probe crashed, but where its core went cannot be checked (a handler's private store, the journal).</summary>
    Unproven,

    /// <summary>The probe could not be run as the process would crash (see the Probe check's message).</summary>
    Failed,
}
