namespace Diag.Linux.Dwarf;

/// <summary>What an expression may read: registers of the frame being unwound and the target's memory.</summary>
internal interface IExpressionContext
{
    bool TryGetRegister(int register, out ulong value);

    bool TryReadMemory(ulong address, out ulong value);
}

/// <summary>
/// Evaluates the DWARF expressions of call frame information (DWARF 5, 2.5): the stack operations,
/// arithmetic, register and memory reads that glibc's signal trampoline and PLT entries use.
/// Returns false when the expression reads a register or memory that is not available.
/// </summary>
internal static class DwarfExpression
{
    private const int MaxSteps = 10_000;

    public static bool TryEvaluate(ReadOnlySpan<byte> expression, IExpressionContext context, ulong? initial, out ulong result)
    {
        result = 0;
        var stack = new Stack<ulong>(8);
        if (initial is { } pushed) stack.Push(pushed);
        var reader = new DwarfReader(expression);
        for (var steps = 0; !reader.AtEnd; steps++)
        {
            if (steps > MaxSteps) throw new DwarfFormatException("expression does not end");
            var op = reader.U8();
            ulong a, b;
            switch (op)
            {
                case 0x03: stack.Push(reader.U64()); break;                                   // addr
                case 0x06:                                                                    // deref
                    if (!context.TryReadMemory(Pop(stack), out a)) return false;
                    stack.Push(a);
                    break;
                case 0x08: stack.Push(reader.U8()); break;                                    // const1u
                case 0x09: stack.Push((ulong)(long)(sbyte)reader.U8()); break;               // const1s
                case 0x0a: stack.Push(reader.U16()); break;                                   // const2u
                case 0x0b: stack.Push((ulong)(long)(short)reader.U16()); break;              // const2s
                case 0x0c: stack.Push(reader.U32()); break;                                   // const4u
                case 0x0d: stack.Push((ulong)(long)(int)reader.U32()); break;                // const4s
                case 0x0e: case 0x0f: stack.Push(reader.U64()); break;                        // const8u/s
                case 0x10: stack.Push(reader.ULeb128()); break;                               // constu
                case 0x11: stack.Push((ulong)reader.SLeb128()); break;                        // consts
                case 0x12: stack.Push(Peek(stack, 0)); break;                                 // dup
                case 0x13: Pop(stack); break;                                                 // drop
                case 0x14: stack.Push(Peek(stack, 1)); break;                                 // over
                case 0x15: stack.Push(Peek(stack, reader.U8())); break;                       // pick
                case 0x16: a = Pop(stack); b = Pop(stack); stack.Push(a); stack.Push(b); break; // swap
                case 0x17:                                                                    // rot
                {
                    a = Pop(stack); b = Pop(stack); var c = Pop(stack);
                    stack.Push(a); stack.Push(c); stack.Push(b);
                    break;
                }
                case 0x19: a = Pop(stack); stack.Push((ulong)Math.Abs((long)a)); break;       // abs
                case 0x1a: a = Pop(stack); stack.Push(Pop(stack) & a); break;                 // and
                case 0x1b:                                                                    // div (signed)
                    a = Pop(stack); b = Pop(stack);
                    if (a == 0) throw new DwarfFormatException("division by zero");
                    stack.Push((ulong)((long)b / (long)a));
                    break;
                case 0x1c: a = Pop(stack); stack.Push(unchecked(Pop(stack) - a)); break;      // minus
                case 0x1d:                                                                    // mod
                    a = Pop(stack); b = Pop(stack);
                    if (a == 0) throw new DwarfFormatException("division by zero");
                    stack.Push(b % a);
                    break;
                case 0x1e: a = Pop(stack); stack.Push(unchecked(Pop(stack) * a)); break;      // mul
                case 0x1f: stack.Push(unchecked((ulong)-(long)Pop(stack))); break;           // neg
                case 0x20: stack.Push(~Pop(stack)); break;                                    // not
                case 0x21: a = Pop(stack); stack.Push(Pop(stack) | a); break;                 // or
                case 0x22: a = Pop(stack); stack.Push(unchecked(Pop(stack) + a)); break;      // plus
                case 0x23: stack.Push(unchecked(Pop(stack) + reader.ULeb128())); break;       // plus_uconst
                case 0x24: a = Pop(stack); b = Pop(stack); stack.Push(a >= 64 ? 0 : b << (int)a); break;   // shl
                case 0x25: a = Pop(stack); b = Pop(stack); stack.Push(a >= 64 ? 0 : b >> (int)a); break;   // shr
                case 0x26: a = Pop(stack); b = Pop(stack); stack.Push((ulong)((long)b >> (int)Math.Min(a, 63))); break; // shra
                case 0x27: a = Pop(stack); stack.Push(Pop(stack) ^ a); break;                 // xor
                case 0x28:                                                                    // bra
                {
                    var offset = (short)reader.U16();
                    if (Pop(stack) != 0) Jump(ref reader, offset);
                    break;
                }
                case >= 0x29 and <= 0x2e:                                                     // eq ge gt le lt ne (signed)
                {
                    var right = (long)Pop(stack);
                    var left = (long)Pop(stack);
                    var truth = op switch
                    {
                        0x29 => left == right,
                        0x2a => left >= right,
                        0x2b => left > right,
                        0x2c => left <= right,
                        0x2d => left < right,
                        _ => left != right,
                    };
                    stack.Push(truth ? 1UL : 0UL);
                    break;
                }
                case 0x2f: Jump(ref reader, (short)reader.U16()); break;                     // skip
                case >= 0x30 and <= 0x4f: stack.Push((ulong)(op - 0x30)); break;              // lit0..31
                case >= 0x50 and <= 0x6f:                                                     // reg0..31: the register's value
                    if (!context.TryGetRegister(op - 0x50, out a)) return false;
                    stack.Push(a);
                    break;
                case >= 0x70 and <= 0x8f:                                                     // breg0..31
                {
                    var offset = reader.SLeb128();
                    if (!context.TryGetRegister(op - 0x70, out a)) return false;
                    stack.Push(unchecked(a + (ulong)offset));
                    break;
                }
                case 0x90:                                                                    // regx
                    if (!context.TryGetRegister((int)reader.ULeb128(), out a)) return false;
                    stack.Push(a);
                    break;
                case 0x92:                                                                    // bregx
                {
                    var register = (int)reader.ULeb128();
                    var offset = reader.SLeb128();
                    if (!context.TryGetRegister(register, out a)) return false;
                    stack.Push(unchecked(a + (ulong)offset));
                    break;
                }
                case 0x94:                                                                    // deref_size
                {
                    var size = reader.U8();
                    if (size is 0 or > 8 || !context.TryReadMemory(Pop(stack), out a)) return false;
                    stack.Push(size == 8 ? a : a & ((1UL << (size * 8)) - 1));
                    break;
                }
                case 0x96: break;                                                             // nop
                default:
                    throw new DwarfFormatException($"unsupported expression operation 0x{op:x2}");
            }
        }
        if (stack.Count == 0) throw new DwarfFormatException("expression left nothing");
        result = stack.Pop();
        return true;
    }

    private static ulong Pop(Stack<ulong> stack) =>
        stack.Count > 0 ? stack.Pop() : throw new DwarfFormatException("expression stack underflow");

    private static ulong Peek(Stack<ulong> stack, int depth) =>
        depth < stack.Count ? stack.ElementAt(depth) : throw new DwarfFormatException("expression stack underflow");

    private static void Jump(ref DwarfReader reader, int offset)
    {
        var target = reader.Position + offset;
        if (target < 0 || target > reader.Length) throw new DwarfFormatException("branch outside the expression");
        reader.Position = target;
    }
}
