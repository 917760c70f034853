using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Ptrace;

/// <summary>
/// The native memory of one child started through <see cref="CloneTrampoline"/>: its request and its
/// stack. The child shares the tracer's memory (CLONE_VM) until it execs or exits, so this must not be
/// freed before then. Every such child dies with the thread that cloned it (PR_SET_PDEATHSIG SIGKILL, kept
/// across execve): a command launched for a trace or a core probe never outlives a killed pwsh.
/// </summary>
internal sealed unsafe class ClonedChild : IDisposable
{
    private const int StackSize = 16 * 1024;
    private byte* _stack;

    public ClonedChild(ulong flags, ulong mode)
    {
        Request = (CloneTrampoline.Request*)NativeMemory.AllocZeroed((nuint)sizeof(CloneTrampoline.Request));
        _stack = (byte*)NativeMemory.AlignedAlloc(StackSize, 64);
        Request->Flags = flags;
        Request->Mode = mode;
        Request->StackTop = (ulong)(_stack + StackSize);
        // The child sets PR_SET_PDEATHSIG and compares its parent with this, so that it never outlives this process.
        Request->ParentPid = (ulong)Libc.GetPid();
    }

    public CloneTrampoline.Request* Request { get; private set; }

    /// <summary>Clones the child; returns its pid. Throws when clone fails (EAGAIN: too many processes).</summary>
    public int Start()
    {
        var pid = CloneTrampoline.Clone(Request);
        if (pid < 0)
            throw new SyscallException("clone", (int)-pid);
        return (int)pid;
    }

    public void Dispose()
    {
        if (Request != null)
            NativeMemory.Free(Request);
        if (_stack != null)
            NativeMemory.AlignedFree(_stack);
        Request = null;
        _stack = null;
    }
}
