using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.PacketDrops.DropRecordLayout;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.PacketDrops;

// The packet: its namespace, device, headers, and the filters on them.
internal sealed partial class DropProgram
{
    private const int EtherTypeIPv4 = 0x0008, EtherTypeIPv6 = 0xdd86; // 0x0800 and 0x86dd as a little-endian load reads them

    /// <summary>r9 = the packet's namespace: its device's, else its socket's, else (Linux 6.11+) the receiving socket's.
    /// Stores its inode and leaves when a namespace filter rejects it; then the conntrack reads, which need it.</summary>
    private void ReadNamespace(BpfAssembler a, BpfAssembler.Label @out, BpfAssembler.Label done)
    {
        var fromSocket = a.NewLabel();
        var fromReceiver = a.NewLabel();
        var found = a.NewLabel();
        var none = a.NewLabel();
        a.Load(S.DoubleWord, R1, R7, _layout.Device);       // r1 = skb->dev
        a.JumpIf(C.Equal, R1, 0, fromSocket);
        a.Load(S.DoubleWord, R9, R1, _layout.DeviceNamespace); // r9 = dev->nd_net.net
        a.Jump(found);
        a.Mark(fromSocket);
        a.Load(S.DoubleWord, R1, R7, _layout.Socket);       // r1 = skb->sk
        a.JumpIf(C.Equal, R1, 0, _layout.HasReceivingSocket ? fromReceiver : none);
        a.Load(S.DoubleWord, R9, R1, _layout.SocketNamespace); // r9 = sk->__sk_common.skc_net.net
        a.Jump(found);
        if (_layout.HasReceivingSocket)
        {
            a.Mark(fromReceiver);
            a.Load(S.DoubleWord, R1, R6, 24);               // r1 = rx_sk
            a.JumpIf(C.Equal, R1, 0, none);
            a.Load(S.DoubleWord, R9, R1, _layout.SocketNamespace);
        }
        a.Mark(found);
        a.JumpIf(C.Equal, R9, 0, none);
        a.Load(S.Word, R1, R9, _layout.NamespaceInode);     // r1 = net->ns.inum
        a.Store(S.Word, R10, RecordSlot + Namespace, R1);
        if (_settings.Namespaces.Count > 0)
        {
            var wanted = a.NewLabel();
            foreach (var inode in _settings.Namespaces)
                a.JumpIf32(C.Equal, R1, unchecked((int)inode), wanted);
            a.Jump(@out);
            a.Mark(wanted);
        }
        ReadConntrack(a, withNamespace: true);
        a.Jump(done);

        a.Mark(none);                                       // no device, no socket: no namespace to name
        if (_settings.Namespaces.Count > 0)
            a.Jump(@out);
        else
            ReadConntrack(a, withNamespace: false);
    }

    /// <summary>The device's index and name (when a record, a flow or a filter needs it), and the interface filter.</summary>
    private void Device(BpfAssembler a, BpfAssembler.Label @out)
    {
        if (!_settings.ReadsInterfaceName)
            return;
        var noDevice = a.NewLabel();
        a.Load(S.DoubleWord, R1, R7, _layout.Device);
        a.JumpIf(C.Equal, R1, 0, noDevice);
        a.Load(S.Word, R2, R1, _layout.DeviceIndex);
        a.Store(S.Word, R10, RecordSlot + InterfaceIndex, R2);
        a.Mov(R3, R1);
        a.Add(R3, _layout.DeviceName);
        a.Mov(R1, R10);
        a.Add(R1, RecordSlot + InterfaceName);
        a.Mov(R2, InterfaceMatch.NameSize);
        a.Call(BpfHelper.ProbeReadKernel);                  // a failed read leaves zeros: no name
        a.Mark(noDevice);
        if (_settings.Interfaces.Count == 0)
            return;
        var matched = a.NewLabel();
        foreach (var pattern in _settings.Interfaces)
        {
            var next = a.NewLabel();
            for (var word = 0; word < 2; word++)
            {
                var mask = InterfaceMatch.Word(pattern.Mask, word);
                if (mask == 0)
                    continue;
                a.Load(S.DoubleWord, R1, R10, (short)(RecordSlot + InterfaceName + 8 * word));
                a.LoadImm64(R2, mask);
                a.And(R1, R2);
                a.LoadImm64(R2, InterfaceMatch.Word(pattern.Value, word));
                a.JumpIf(C.NotEqual, R1, R2, next);
            }
            a.Jump(matched);
            a.Mark(next);
        }
        a.Jump(@out);
        a.Mark(matched);
    }

    /// <summary>Family, protocol, addresses, ports and TCP flags, from 56 bytes read at the network header (and, for an
    /// IPv4 header with options, 16 more at the transport header). A later fragment has no ports; IPv6 extension headers
    /// are not followed (the protocol is then the first next-header value).</summary>
    private void Headers(BpfAssembler a)
    {
        var done = a.NewLabel();
        var ip = a.NewLabel();
        var v6 = a.NewLabel();
        var transport = a.NewLabel();
        a.Load(S.HalfWord, R1, R7, _layout.Protocol);       // skb->protocol, big-endian
        a.Mov(R2, R1);
        a.ToBigEndian(R2, 16);
        a.Store(S.HalfWord, R10, RecordSlot + EtherType, R2);
        a.JumpIf(C.Equal, R1, EtherTypeIPv4, ip);
        a.JumpIf(C.Equal, R1, EtherTypeIPv6, ip);
        a.Jump(done);

        a.Mark(ip);
        NetworkHeaderAddress(a, R3, done);                  // r3 = head + network_header
        a.Mov(R1, R10);
        a.Add(R1, HeaderSlot);
        a.Mov(R2, HeaderBytes);
        a.Call(BpfHelper.ProbeReadKernel);
        a.JumpIf(C.NotEqual, R0, 0, done);
        a.Load(S.Byte, R1, R10, HeaderSlot);                // version << 4 | ihl
        a.Mov(R2, R1);
        a.Rsh(R2, 4);
        a.JumpIf(C.Equal, R2, 6, v6);
        a.JumpIf(C.NotEqual, R2, 4, done);

        // IPv4: protocol at 9, addresses at 12 and 16, flags and fragment offset at 6.
        a.Store(S.Byte, R10, RecordSlot + Family, 4);
        Copy(a, S.Byte, HeaderSlot + 9, RecordSlot + Protocol);
        Copy(a, S.Word, HeaderSlot + 12, RecordSlot + SourceAddress);
        Copy(a, S.Word, HeaderSlot + 16, RecordSlot + DestinationAddress);
        a.Load(S.HalfWord, R2, R10, HeaderSlot + 6);
        a.And(R2, 0xff1f);                                  // the 13-bit offset, as a little-endian load sees it
        a.JumpIf(C.NotEqual, R2, 0, done);
        a.And(R1, 0x0f);
        a.Lsh(R1, 2);                                       // r1 = header length
        var options = a.NewLabel();
        a.JumpIf(C.NotEqual, R1, 20, options);
        for (var i = 0; i < 16; i += 4)
            Copy(a, S.Word, (short)(HeaderSlot + 20 + i), (short)(TransportSlot + i));
        a.Jump(transport);
        a.Mark(options);                                    // options: the transport header lies further
        a.JumpIf(C.Less, R1, 20, done);
        a.Mov(R4, R1);
        NetworkHeaderAddress(a, R3, done);
        a.Add(R3, R4);
        a.Mov(R1, R10);
        a.Add(R1, TransportSlot);
        a.Mov(R2, 16);
        a.Call(BpfHelper.ProbeReadKernel);
        a.JumpIf(C.NotEqual, R0, 0, done);
        a.Jump(transport);

        // IPv6: next header at 6, addresses at 8 and 24, the transport header at 40.
        a.Mark(v6);
        a.Store(S.Byte, R10, RecordSlot + Family, 6);
        Copy(a, S.Byte, HeaderSlot + 6, RecordSlot + Protocol);
        for (var i = 0; i < 16; i += 8)
        {
            Copy(a, S.DoubleWord, (short)(HeaderSlot + 8 + i), (short)(RecordSlot + SourceAddress + i));
            Copy(a, S.DoubleWord, (short)(HeaderSlot + 24 + i), (short)(RecordSlot + DestinationAddress + i));
            Copy(a, S.DoubleWord, (short)(HeaderSlot + 40 + i), (short)(TransportSlot + i));
        }

        // Ports for TCP, UDP, SCTP and UDP-Lite; TCP's flags at 13.
        a.Mark(transport);
        var ports = a.NewLabel();
        a.Load(S.Byte, R1, R10, RecordSlot + Protocol);
        foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Sctp, IpProtocol.UdpLite })
            a.JumpIf(C.Equal, R1, (int)protocol, ports);
        a.Jump(done);
        a.Mark(ports);
        a.Load(S.HalfWord, R2, R10, TransportSlot);
        a.ToBigEndian(R2, 16);
        a.Store(S.HalfWord, R10, RecordSlot + SourcePort, R2);
        a.Load(S.HalfWord, R2, R10, TransportSlot + 2);
        a.ToBigEndian(R2, 16);
        a.Store(S.HalfWord, R10, RecordSlot + DestinationPort, R2);
        a.JumpIf(C.NotEqual, R1, (int)IpProtocol.Tcp, done);
        Copy(a, S.Byte, TransportSlot + 13, RecordSlot + Flags);
        a.Mark(done);
    }

    /// <summary><paramref name="target"/> = skb->head + skb->network_header; to <paramref name="none"/> when the header is unset.
    /// Clobbers r2.</summary>
    private void NetworkHeaderAddress(BpfAssembler a, BpfRegister target, BpfAssembler.Label none)
    {
        a.Load(S.HalfWord, target, R7, _layout.NetworkHeader);
        a.JumpIf(C.Equal, target, 0xffff, none);            // (u16)~0: no network header set
        a.Load(S.DoubleWord, R2, R7, _layout.Head);
        a.Add(target, R2);
    }

    private void ProtocolFilter(BpfAssembler a, BpfAssembler.Label @out)
    {
        if (_settings.Protocols.Count > 0)
            ByteIn(a, Protocol, _settings.Protocols, @out);
    }

    /// <summary>Leaves unless the source or the destination is in one of the prefixes, compared 4 bytes at a time under
    /// the mask (the words of a network-order address, as little-endian loads read them).</summary>
    private void AddressFilter(BpfAssembler a, BpfAssembler.Label @out)
    {
        if (_settings.Addresses.Count == 0)
            return;
        var matched = a.NewLabel();
        foreach (var prefix in _settings.Addresses)
        {
            var next = a.NewLabel();
            a.Load(S.Byte, R1, R10, RecordSlot + Family);
            a.JumpIf(C.NotEqual, R1, prefix.IsIPv6 ? 6 : 4, next);
            var network = prefix.NetworkBytes;
            var mask = prefix.MaskBytes;
            foreach (var side in new[] { SourceAddress, DestinationAddress })
            {
                var otherSide = a.NewLabel();
                for (var word = 0; word < network.Length; word += 4)
                {
                    var maskWord = BitConverter.ToInt32(mask, word);
                    if (maskWord == 0)
                        continue;
                    a.Load(S.Word, R1, R10, (short)(RecordSlot + side + word));
                    if (maskWord != -1)
                        a.And32(R1, maskWord);
                    a.JumpIf32(C.NotEqual, R1, BitConverter.ToInt32(network, word), otherSide);
                }
                a.Jump(matched);
                a.Mark(otherSide);
            }
            a.Mark(next);
        }
        a.Jump(@out);
        a.Mark(matched);
    }

    /// <summary>Leaves unless the source or the destination port is one of the ports.</summary>
    private void PortFilter(BpfAssembler a, BpfAssembler.Label @out)
    {
        if (_settings.Ports.Count == 0)
            return;
        var matched = a.NewLabel();
        a.Load(S.HalfWord, R1, R10, RecordSlot + SourcePort);
        a.Load(S.HalfWord, R2, R10, RecordSlot + DestinationPort);
        foreach (var port in _settings.Ports)
        {
            a.JumpIf(C.Equal, R1, port, matched);
            a.JumpIf(C.Equal, R2, port, matched);
        }
        a.Jump(@out);
        a.Mark(matched);
    }

    /// <summary>Copies one value from stack slot <paramref name="from"/> to <paramref name="to"/> through r2.</summary>
    private static void Copy(BpfAssembler a, S size, int from, int to)
    {
        a.Load(size, R2, R10, (short)from);
        a.Store(size, R10, (short)to, R2);
    }
}
