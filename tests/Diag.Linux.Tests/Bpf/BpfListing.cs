using System.Globalization;
using System.Text;
using Diag.Linux.Bpf;

namespace Diag.Linux.Tests.Bpf;

/// <summary>Renders BPF instructions the way the kernel's verifier log prints them (r1 = r7, *(u32 *)(r10 -4) = r1,
/// if r1 == 0x10b2 goto pc+5), with map names instead of fds and jump targets as instruction numbers; 32-bit
/// operations name their registers w0–w10 as the kernel does.</summary>
internal static class BpfListing
{
    public static string Render(IReadOnlyList<BpfInstruction> code, IReadOnlyDictionary<int, string> mapNames)
    {
        var text = new StringBuilder();
        for (var i = 0; i < code.Count; i++)
        {
            var insn = code[i];
            text.Append(i.ToString(CultureInfo.InvariantCulture).PadLeft(4)).Append(": ").Append(Line(code, ref i, insn, mapNames)).Append('\n');
        }
        return text.ToString();
    }

    private static string Line(IReadOnlyList<BpfInstruction> code, ref int i, BpfInstruction insn, IReadOnlyDictionary<int, string> mapNames)
    {
        var cls = insn.Code & 0x07;
        var dst = "r" + (int)insn.Destination;
        var src = "r" + (int)insn.Source;
        var imm = insn.Immediate.ToString(CultureInfo.InvariantCulture);
        var off = insn.Offset >= 0 ? "+" + insn.Offset.ToString(CultureInfo.InvariantCulture) : insn.Offset.ToString(CultureInfo.InvariantCulture);
        var size = (insn.Code & 0x18) switch { 0x00 => "u32", 0x08 => "u16", 0x10 => "u8", _ => "u64" };
        switch (cls)
        {
            case 0x04 when (insn.Code & 0xf0) == 0xd0:
                return $"{dst} = {((insn.Code & 0x08) != 0 ? "be" : "le")}{imm} {dst}";
            case 0x07 or 0x04 when (insn.Code & 0xf0) == 0x80:
                return cls == 0x07 ? $"{dst} = -{dst}" : $"w{(int)insn.Destination} = -w{(int)insn.Destination}";
            case 0x07 or 0x04:
            {
                var wide = cls == 0x07;
                var d = wide ? dst : "w" + (int)insn.Destination;
                var s = (insn.Code & 0x08) != 0 ? (wide ? src : "w" + (int)insn.Source) : imm;
                var op = (insn.Code & 0xf0) switch
                {
                    0x00 => "+=", 0x10 => "-=", 0x20 => "*=", 0x30 => "/=", 0x40 => "|=", 0x50 => "&=", 0x60 => "<<=",
                    0x70 => ">>=", 0x90 => "%=", 0xa0 => "^=", 0xb0 => "=", 0xc0 => "s>>=", _ => "?=",
                };
                return $"{d} {op} {s}";
            }
            case 0x01:
                return $"{dst} = *({size} *)({src} {off})";
            case 0x02:
                return $"*({size} *)({dst} {off}) = {imm}";
            case 0x03 when (insn.Code & 0xe0) == 0xc0:
                return $"lock *({size} *)({dst} {off}) += {src}";
            case 0x03:
                return $"*({size} *)({dst} {off}) = {src}";
            case 0x00 when insn.Code == 0x18:
                i++;
                return insn.Source switch
                {
                    (BpfRegister)BpfOpcode.PseudoMapFd => $"{dst} = map[{mapNames.GetValueOrDefault(insn.Immediate, "fd " + imm)}]",
                    (BpfRegister)BpfOpcode.PseudoMapValue => $"{dst} = map_value[{mapNames.GetValueOrDefault(insn.Immediate, "fd " + imm)}] + {code[i].Immediate}",
                    _ => $"{dst} = {((long)code[i].Immediate << 32) | (uint)insn.Immediate}",
                };
            case 0x05 or 0x06:
            {
                var op = insn.Code & 0xf0;
                if (op == 0x80)
                    return $"call {(BpfHelper)insn.Immediate}#{imm}";
                if (op == 0x90)
                    return "exit";
                var target = (i + 1 + insn.Offset).ToString(CultureInfo.InvariantCulture);
                if (op == 0x00)
                    return $"goto {target}";
                var condition = op switch
                {
                    0x10 => "==", 0x20 => ">", 0x30 => ">=", 0x40 => "&", 0x50 => "!=", 0x60 => "s>", 0x70 => "s>=", 0xa0 => "<", 0xb0 => "<=",
                    0xc0 => "s<", 0xd0 => "s<=", _ => "?",
                };
                var wide = cls == 0x05;
                var left = wide ? dst : "w" + (int)insn.Destination;
                var right = (insn.Code & 0x08) != 0 ? (wide ? src : "w" + (int)insn.Source) : imm;
                return $"if {left} {condition} {right} goto {target}";
            }
        }
        return $"unknown opcode 0x{insn.Code:x2}";
    }
}
