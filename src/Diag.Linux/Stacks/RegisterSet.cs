using Diag.Linux.Interop;

namespace Diag.Linux.Stacks;

/// <summary>The general registers of one frame in DWARF numbering (x86_64: 0 rax, 1 rdx, 2 rcx, 3 rbx,
/// 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 rip), with which of them are known.</summary>
internal sealed class RegisterSet
{
    public const int Count = 17, Rbp = 6, Rsp = 7, Rip = 16;

    private readonly ulong[] _values = new ulong[Count];
    private uint _known;

    public static RegisterSet FromUser(in Libc.UserRegisters r)
    {
        var set = new RegisterSet();
        ReadOnlySpan<ulong> values = [r.Rax, r.Rdx, r.Rcx, r.Rbx, r.Rsi, r.Rdi, r.Rbp, r.Rsp, r.R8, r.R9, r.R10, r.R11, r.R12, r.R13, r.R14, r.R15, r.Rip];
        for (var i = 0; i < Count; i++) set[i] = values[i];
        return set;
    }

    public ulong Pc => _values[Rip];

    public ulong Sp => _values[Rsp];

    public ulong this[int register]
    {
        get => _values[register];
        set
        {
            _values[register] = value;
            _known |= 1u << register;
        }
    }

    public bool IsKnown(int register) => (uint)register < Count && (_known & (1u << register)) != 0;

    public void Forget(int register) => _known &= ~(1u << register);

    public bool TryGet(int register, out ulong value)
    {
        value = IsKnown(register) ? _values[register] : 0;
        return IsKnown(register);
    }

    public RegisterSet Clone()
    {
        var copy = new RegisterSet { _known = _known };
        _values.CopyTo(copy._values, 0);
        return copy;
    }
}
