using Diag.Linux.Dwarf;

namespace Diag.Linux.Stacks;

/// <summary>
/// Walks a stopped thread's stack from its registers and a copy of its stack: DWARF call frame
/// information (.eh_frame, .debug_frame) for every PC that has it, which covers glibc built without frame
/// pointers, PLT stubs and the signal trampoline (its 'S' CIE restores the interrupted registers from the
/// signal frame); frame pointers for code that has none, which is what JIT compilers emit (.NET and V8
/// keep RBP frames). Ends cleanly where the return address is undefined (_start, clone3's child).
/// </summary>
internal static class StackUnwinder
{
    public const int MaxFrames = 1024;

    public static UnwindResult Unwind(RegisterSet initial, StackSnapshot stack, AddressSpace space, int maxFrames = MaxFrames)
    {
        var frames = new List<UnwoundFrame>(32);
        var registers = initial;
        var activation = true;
        while (true)
        {
            var pc = registers.Pc;
            if (frames.Count >= maxFrames) return new UnwindResult(frames, UnwindEnd.DepthLimit, null);
            var step = Step(registers, activation, frames.Count == 0, stack, space, out var next, out var signal, out var viaFramePointer, out var detail);
            frames.Add(new UnwoundFrame(pc, activation, signal, viaFramePointer));
            if (step is { } end) return new UnwindResult(frames, end, detail);

            var nextPc = next!.Pc;
            if (nextPc == 0) return new UnwindResult(frames, UnwindEnd.Outermost, null);
            // A signal frame may switch stacks (sigaltstack); any other caller's frame lies above its callee's.
            if (!signal && (next.Sp <= registers.Sp))
                return new UnwindResult(frames, UnwindEnd.NotProgressing, $"the stack pointer did not move up at 0x{pc:x}");
            if (space.Mapping(signal ? nextPc : nextPc - 1) is not { Executable: true })
                return new UnwindResult(frames, UnwindEnd.NotCode, $"return address 0x{nextPc:x} is not in code");
            registers = next;
            activation = signal;
        }
    }

    /// <summary>Computes the caller's registers. Returns null to go on, or why the walk ends (the current
    /// frame is kept either way).</summary>
    private static UnwindEnd? Step(RegisterSet registers, bool activation, bool innermost, StackSnapshot stack, AddressSpace space,
        out RegisterSet? next, out bool signal, out bool viaFramePointer, out string? detail)
    {
        next = null;
        signal = false;
        viaFramePointer = false;
        detail = null;
        var pc = registers.Pc;
        var lookup = activation ? pc : pc - 1;
        var location = space.Locate(lookup);
        FrameDescription? fde = null;
        try
        {
            if (location is { Image: { } image } at && image.CallFrames is { } table)
                fde = table.Find(at.LinkAddress(lookup));
            if (fde is not null)
            {
                var row = CallFrameInterpreter.RowFor(fde, location!.Value.LinkAddress(lookup));
                signal = fde.Cie.IsSignalFrame;
                return Apply(row, fde.Cie.ReturnAddressRegister, registers, stack, out next, out detail);
            }
        }
        catch (DwarfFormatException e)
        {
            detail = $"unwind information for 0x{pc:x} does not parse: {e.Message}";
            return UnwindEnd.BadUnwindInformation;
        }
        viaFramePointer = true;
        if (FramePointer(registers, innermost, stack, space, out next)) return null;
        detail = location is null ? $"0x{pc:x} is in no mapping"
            : $"no unwind information for 0x{pc:x} in {Describe(location.Value.Mapping)} and no frame pointer to follow";
        return UnwindEnd.NoUnwindInformation;
    }

    private static UnwindEnd? Apply(UnwindRow row, int returnRegister, RegisterSet registers, StackSnapshot stack,
        out RegisterSet? next, out string? detail)
    {
        next = null;
        detail = null;
        var context = new Context(registers, stack);
        ulong cfa;
        if (row.CfaExpression is { } cfaExpression)
        {
            if (!DwarfExpression.TryEvaluate(cfaExpression, context, null, out cfa))
                return Unreadable(registers, out detail);
        }
        else if (registers.TryGet(row.CfaRegister, out var baseValue))
        {
            cfa = unchecked(baseValue + (ulong)row.CfaOffset);
        }
        else
        {
            detail = $"the CFA register {row.CfaRegister} is unknown at 0x{registers.Pc:x}";
            return UnwindEnd.StackUnreadable;
        }

        var caller = registers.Clone();
        caller[RegisterSet.Rsp] = cfa; // the CFA is the caller's stack pointer, unless a rule says otherwise
        for (var r = 0; r < UnwindRow.RegisterCount; r++)
        {
            var rule = row.Rules[r];
            ulong value;
            switch (rule.Kind)
            {
                case RegisterRuleKind.Unspecified:
                case RegisterRuleKind.SameValue:
                    if (r == returnRegister && rule.Kind == RegisterRuleKind.Unspecified)
                    {
                        caller.Forget(r);
                        break;
                    }
                    continue;
                case RegisterRuleKind.Undefined:
                    caller.Forget(r);
                    continue;
                case RegisterRuleKind.Offset:
                    if (stack.TryRead(unchecked(cfa + (ulong)rule.Operand), out value)) caller[r] = value;
                    else if (r == returnRegister) return Unreadable(registers, out detail);
                    else caller.Forget(r);
                    continue;
                case RegisterRuleKind.ValueOffset:
                    caller[r] = unchecked(cfa + (ulong)rule.Operand);
                    continue;
                case RegisterRuleKind.Register:
                    if (registers.TryGet((int)rule.Operand, out value)) caller[r] = value;
                    else caller.Forget(r);
                    continue;
                case RegisterRuleKind.Expression:
                    if (DwarfExpression.TryEvaluate(rule.Expression, context, cfa, out var address) && stack.TryRead(address, out value))
                        caller[r] = value;
                    else if (r == returnRegister) return Unreadable(registers, out detail);
                    else caller.Forget(r);
                    continue;
                case RegisterRuleKind.ValueExpression:
                    if (DwarfExpression.TryEvaluate(rule.Expression, context, cfa, out value)) caller[r] = value;
                    else caller.Forget(r);
                    continue;
            }
        }
        if (returnRegister != RegisterSet.Rip)
        {
            if (caller.TryGet(returnRegister, out var ra)) caller[RegisterSet.Rip] = ra;
            else caller.Forget(RegisterSet.Rip);
        }
        if (!caller.IsKnown(RegisterSet.Rip)) return UnwindEnd.Outermost;
        next = caller;
        return null;
    }

    /// <summary>Frame-pointer step: [rbp] is the caller's rbp, [rbp+8] the return address. In the innermost
    /// frame, a PC at the first or second byte of a known JIT function has not pushed rbp yet.</summary>
    private static bool FramePointer(RegisterSet registers, bool innermost, StackSnapshot stack, AddressSpace space, out RegisterSet? next)
    {
        next = null;
        var caller = registers.Clone();
        var sp = registers.Sp;
        if (innermost && space.PerfMap?.TryFind(registers.Pc, out _, out var start) == true && registers.Pc - start <= 1)
        {
            var pushed = registers.Pc == start ? 0UL : 8UL;
            if (!stack.TryRead(sp + pushed, out var ra)) return false;
            if (pushed == 8 && stack.TryRead(sp, out var savedRbp)) caller[RegisterSet.Rbp] = savedRbp;
            caller[RegisterSet.Rip] = ra;
            caller[RegisterSet.Rsp] = sp + pushed + 8;
            next = caller;
            return true;
        }
        if (!registers.TryGet(RegisterSet.Rbp, out var rbp) || rbp < sp || (rbp & 7) != 0) return false;
        if (!stack.TryRead(rbp, out var callerRbp) || !stack.TryRead(rbp + 8, out var returnAddress)) return false;
        caller[RegisterSet.Rbp] = callerRbp;
        caller[RegisterSet.Rip] = returnAddress;
        caller[RegisterSet.Rsp] = rbp + 16;
        next = caller;
        return true;
    }

    private static UnwindEnd Unreadable(RegisterSet registers, out string detail)
    {
        detail = $"the frame of 0x{registers.Pc:x} reads outside the copied stack";
        return UnwindEnd.StackUnreadable;
    }

    private static string Describe(MemoryMapping mapping) =>
        mapping.Path.Length > 0 ? mapping.Path : $"anonymous memory 0x{mapping.Start:x}-0x{mapping.End:x}";

    private sealed class Context(RegisterSet registers, StackSnapshot stack) : IExpressionContext
    {
        public bool TryGetRegister(int register, out ulong value) => registers.TryGet(register, out value);

        public bool TryReadMemory(ulong address, out ulong value) => stack.TryRead(address, out value);
    }
}
