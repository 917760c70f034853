namespace Diag.Linux.Stacks;

/// <summary>What kind of code a stack frame is in.</summary>
public enum FrameKind
{
    /// <summary>Compiled code of an ELF file (the executable, a shared library, the vDSO).</summary>
    Native,

    /// <summary>Code a runtime generated (the JIT code of .NET, Node, the JVM) or precompiled in a format that is not ELF
    /// (.NET ReadyToRun assemblies), named from the process's perf map when it publishes one.</summary>
    Jit,

    /// <summary>The signal trampoline (glibc's __restore_rt): the frames below it were interrupted by a signal whose handler is above it.</summary>
    Signal,

    /// <summary>A kernel function (-Kernel), from /proc/PID/task/TID/stack.</summary>
    Kernel,

    /// <summary>Memory that holds no known code (a corrupt return address, freed JIT code).</summary>
    Unknown,
}
