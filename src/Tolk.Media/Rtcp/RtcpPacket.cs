using System.Buffers.Binary;
using System.Text;

namespace Tolk.Media.Rtcp;

/// <summary>A view over one RTCP packet inside a compound packet (RFC 3550 §6.4–6.6). Copies nothing.</summary>
public readonly ref struct RtcpPacket
{
    internal RtcpPacket(ReadOnlySpan<byte> packet) => Buffer = packet;

    /// <summary>The packet bytes (header included, padding included).</summary>
    public ReadOnlySpan<byte> Buffer { get; }

    /// <summary>Packet type octet.</summary>
    public RtcpPacketType Type => (RtcpPacketType)Buffer[1];

    /// <summary>The 5-bit count field (report blocks, SDES chunks or BYE sources).</summary>
    public int Count => Buffer[0] & 0x1F;

    /// <summary>The SSRC of the sender (SR/RR) or the first source (SDES/BYE), 0 if absent.</summary>
    public uint Ssrc => Buffer.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(Buffer[4..]) : 0;

    /// <summary>Reads the sender info of an SR.</summary>
    public bool TryGetSenderInfo(out RtcpSenderInfo info)
    {
        info = default;
        if (Type != RtcpPacketType.SenderReport || Buffer.Length < 28)
        {
            return false;
        }

        info = new RtcpSenderInfo(
            BinaryPrimitives.ReadUInt64BigEndian(Buffer[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(Buffer[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(Buffer[20..]),
            BinaryPrimitives.ReadUInt32BigEndian(Buffer[24..]));
        return true;
    }

    /// <summary>Reads report block <paramref name="index"/> of an SR or RR.</summary>
    public bool TryGetReportBlock(int index, out RtcpReportBlock block)
    {
        block = default;
        var start = Type switch
        {
            RtcpPacketType.SenderReport => 28,
            RtcpPacketType.ReceiverReport => 8,
            _ => -1,
        };
        if (start < 0 || index < 0 || index >= Count)
        {
            return false;
        }

        var offset = start + (index * RtcpReportBlock.Size);
        if (offset + RtcpReportBlock.Size > Buffer.Length)
        {
            return false;
        }

        var b = Buffer[offset..];
        var lostWord = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
        var lost = (int)(lostWord << 8) >> 8; // sign-extend 24 bits
        block = new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(b),
            (byte)(lostWord >> 24),
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[20..]));
        return true;
    }

    /// <summary>Finds the CNAME of the first SDES chunk that carries one.</summary>
    public bool TryGetCname(out uint ssrc, out string cname)
    {
        ssrc = 0;
        cname = string.Empty;
        if (Type != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        var offset = 4;
        for (var chunk = 0; chunk < Count && offset + 4 <= Buffer.Length; chunk++)
        {
            var chunkSsrc = BinaryPrimitives.ReadUInt32BigEndian(Buffer[offset..]);
            offset += 4;
            while (offset < Buffer.Length && Buffer[offset] != 0)
            {
                if (offset + 2 > Buffer.Length)
                {
                    return false;
                }

                var itemType = Buffer[offset];
                var itemLength = Buffer[offset + 1];
                if (offset + 2 + itemLength > Buffer.Length)
                {
                    return false;
                }

                if (itemType == 1)
                {
                    ssrc = chunkSsrc;
                    cname = Encoding.UTF8.GetString(Buffer.Slice(offset + 2, itemLength));
                    return true;
                }

                offset += 2 + itemLength;
            }

            // Skip the terminating null and pad to the next 32-bit boundary.
            offset = (offset + 4) & ~3;
        }

        return false;
    }

    /// <summary>Reads source <paramref name="index"/> of a BYE.</summary>
    public bool TryGetByeSsrc(int index, out uint ssrc)
    {
        ssrc = 0;
        var offset = 4 + (4 * index);
        if (Type != RtcpPacketType.Bye || index < 0 || index >= Count || offset + 4 > Buffer.Length)
        {
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(Buffer[offset..]);
        return true;
    }

    /// <summary>Reads the optional reason of a BYE.</summary>
    public string? GetByeReason()
    {
        var offset = 4 + (4 * Count);
        if (Type != RtcpPacketType.Bye || offset >= Buffer.Length)
        {
            return null;
        }

        var length = Buffer[offset];
        return offset + 1 + length <= Buffer.Length ? Encoding.UTF8.GetString(Buffer.Slice(offset + 1, length)) : null;
    }
}

/// <summary>
/// Walks the packets of a compound RTCP packet. <see cref="Validate"/> applies RFC 3550 A.2's checks.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    /// <summary>Starts reading <paramref name="data"/>; call <see cref="Validate"/> first for untrusted input.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
        Current = default;
    }

    /// <summary>The packet at the reader's position.</summary>
    public RtcpPacket Current { get; private set; }

    /// <summary>Advances to the next packet; false at the end or on a malformed length.</summary>
    public bool MoveNext()
    {
        if (_offset + 4 > _data.Length)
        {
            return false;
        }

        var length = (BinaryPrimitives.ReadUInt16BigEndian(_data[(_offset + 2)..]) + 1) * 4;
        if (_offset + length > _data.Length || (_data[_offset] >> 6) != 2)
        {
            return false;
        }

        Current = new RtcpPacket(_data.Slice(_offset, length));
        _offset += length;
        return true;
    }

    /// <summary>
    /// RFC 3550 A.2: version 2 throughout, the first packet an SR or RR without padding, padding only
    /// in the last packet, and packet lengths adding up exactly to the compound length.
    /// </summary>
    public static bool Validate(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8 || data.Length % 4 != 0 || (data[0] & 0xE0) != 0x80
            || (data[1] != (byte)RtcpPacketType.SenderReport && data[1] != (byte)RtcpPacketType.ReceiverReport))
        {
            return false;
        }

        var offset = 0;
        while (offset < data.Length)
        {
            if (offset + 4 > data.Length || (data[offset] >> 6) != 2)
            {
                return false;
            }

            var length = (BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]) + 1) * 4;
            var next = offset + length;
            if (next > data.Length || ((data[offset] & 0x20) != 0 && next != data.Length))
            {
                return false;
            }

            offset = next;
        }

        return offset == data.Length;
    }
}
