namespace Diag.Linux.Dwarf;

/// <summary>Runs an FDE's call frame instructions (after its CIE's) up to an address, giving the row of
/// the call frame table that applies there (DWARF 5, 6.4.2).</summary>
internal static class CallFrameInterpreter
{
    /// <summary>The row for <paramref name="address"/> (link-time, inside the FDE's range).</summary>
    public static UnwindRow RowFor(FrameDescription fde, ulong address)
    {
        var cie = fde.Cie;
        var row = new UnwindRow();
        ulong cieLocation = 0;
        Run(cie.Instructions, 0, cie, row, initial: null, ref cieLocation, ulong.MaxValue);
        var initial = row.Clone();
        var location = fde.Start;
        Run(fde.Instructions, fde.InstructionsAddress, cie, row, initial, ref location, address);
        return row;
    }

    private static void Run(byte[] instructions, ulong instructionsAddress, CommonInformationEntry cie, UnwindRow row,
        UnwindRow? initial, ref ulong location, ulong target)
    {
        var reader = new DwarfReader(instructions, instructionsAddress);
        Stack<UnwindRow>? remembered = null;
        while (!reader.AtEnd)
        {
            var op = reader.U8();
            var high = op & 0xc0;
            var low = (ulong)(op & 0x3f);
            if (high == DwarfConstants.DW_CFA_advance_loc)
            {
                if (Advance(ref location, low * cie.CodeAlignment, target)) return;
                continue;
            }
            if (high == DwarfConstants.DW_CFA_offset)
            {
                row.SetRule(low, new RegisterRule(RegisterRuleKind.Offset, (long)reader.ULeb128() * cie.DataAlignment));
                continue;
            }
            if (high == DwarfConstants.DW_CFA_restore)
            {
                Restore(row, initial, low);
                continue;
            }
            switch (op)
            {
                case DwarfConstants.DW_CFA_nop:
                    break;
                case DwarfConstants.DW_CFA_set_loc:
                    var newLocation = reader.EncodedPointer(cie.FdeEncoding);
                    if (newLocation > target) return;
                    location = newLocation;
                    break;
                case DwarfConstants.DW_CFA_advance_loc1:
                    if (Advance(ref location, reader.U8() * cie.CodeAlignment, target)) return;
                    break;
                case DwarfConstants.DW_CFA_advance_loc2:
                    if (Advance(ref location, reader.U16() * cie.CodeAlignment, target)) return;
                    break;
                case DwarfConstants.DW_CFA_advance_loc4:
                    if (Advance(ref location, reader.U32() * cie.CodeAlignment, target)) return;
                    break;
                case DwarfConstants.DW_CFA_offset_extended:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.Offset, (long)reader.ULeb128() * cie.DataAlignment));
                    break;
                case DwarfConstants.DW_CFA_offset_extended_sf:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.Offset, reader.SLeb128() * cie.DataAlignment));
                    break;
                case DwarfConstants.DW_CFA_GNU_negative_offset_extended:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.Offset, -(long)reader.ULeb128() * cie.DataAlignment));
                    break;
                case DwarfConstants.DW_CFA_restore_extended:
                    Restore(row, initial, reader.ULeb128());
                    break;
                case DwarfConstants.DW_CFA_undefined:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.Undefined));
                    break;
                case DwarfConstants.DW_CFA_same_value:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.SameValue));
                    break;
                case DwarfConstants.DW_CFA_register:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.Register, (long)reader.ULeb128()));
                    break;
                case DwarfConstants.DW_CFA_remember_state:
                    (remembered ??= new Stack<UnwindRow>()).Push(row.Clone());
                    break;
                case DwarfConstants.DW_CFA_restore_state:
                    if (remembered is null || remembered.Count == 0) throw new DwarfFormatException("DW_CFA_restore_state without remember_state");
                    var saved = remembered.Pop();
                    saved.Rules.CopyTo(row.Rules, 0);
                    row.CfaRegister = saved.CfaRegister;
                    row.CfaOffset = saved.CfaOffset;
                    row.CfaExpression = saved.CfaExpression;
                    break;
                case DwarfConstants.DW_CFA_def_cfa:
                    row.CfaRegister = (int)reader.ULeb128();
                    row.CfaOffset = (long)reader.ULeb128();
                    row.CfaExpression = null;
                    break;
                case DwarfConstants.DW_CFA_def_cfa_sf:
                    row.CfaRegister = (int)reader.ULeb128();
                    row.CfaOffset = reader.SLeb128() * cie.DataAlignment;
                    row.CfaExpression = null;
                    break;
                case DwarfConstants.DW_CFA_def_cfa_register:
                    row.CfaRegister = (int)reader.ULeb128();
                    row.CfaExpression = null;
                    break;
                case DwarfConstants.DW_CFA_def_cfa_offset:
                    row.CfaOffset = (long)reader.ULeb128();
                    break;
                case DwarfConstants.DW_CFA_def_cfa_offset_sf:
                    row.CfaOffset = reader.SLeb128() * cie.DataAlignment;
                    break;
                case DwarfConstants.DW_CFA_def_cfa_expression:
                    row.CfaExpression = reader.Bytes((int)reader.ULeb128()).ToArray();
                    break;
                case DwarfConstants.DW_CFA_expression:
                {
                    var register = reader.ULeb128();
                    row.SetRule(register, new RegisterRule(RegisterRuleKind.Expression, 0, reader.Bytes((int)reader.ULeb128()).ToArray()));
                    break;
                }
                case DwarfConstants.DW_CFA_val_expression:
                {
                    var register = reader.ULeb128();
                    row.SetRule(register, new RegisterRule(RegisterRuleKind.ValueExpression, 0, reader.Bytes((int)reader.ULeb128()).ToArray()));
                    break;
                }
                case DwarfConstants.DW_CFA_val_offset:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.ValueOffset, (long)reader.ULeb128() * cie.DataAlignment));
                    break;
                case DwarfConstants.DW_CFA_val_offset_sf:
                    row.SetRule(reader.ULeb128(), new RegisterRule(RegisterRuleKind.ValueOffset, reader.SLeb128() * cie.DataAlignment));
                    break;
                case DwarfConstants.DW_CFA_GNU_args_size:
                    reader.ULeb128();
                    break;
                default:
                    throw new DwarfFormatException($"unknown call frame instruction 0x{op:x2}");
            }
        }
    }

    /// <summary>Moves the location on; true when it passes the target (the row is complete).</summary>
    private static bool Advance(ref ulong location, ulong delta, ulong target)
    {
        var next = unchecked(location + delta);
        if (next > target) return true;
        location = next;
        return false;
    }

    private static void Restore(UnwindRow row, UnwindRow? initial, ulong register)
    {
        if (register >= UnwindRow.RegisterCount) return;
        row.Rules[register] = initial?.Rules[register] ?? default;
    }
}
