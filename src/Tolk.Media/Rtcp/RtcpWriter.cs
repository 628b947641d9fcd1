using System.Buffers.Binary;
using System.Text;

namespace Tolk.Media.Rtcp;

/// <summary>
/// Builds RTCP packets (RFC 3550 §6.4–6.6) into a caller's buffer. Each method appends one packet; a
/// compound packet is several calls on consecutive slices, starting with an SR or RR (§6.1).
/// </summary>
public static class RtcpWriter
{
    private const int HeaderSize = 4;

    /// <summary>Writes a sender report with up to 31 report blocks.</summary>
    public static bool TryWriteSenderReport(Span<byte> destination, uint ssrc, in RtcpSenderInfo info,
        ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        written = 0;
        var length = HeaderSize + 4 + RtcpSenderInfo.Size + (blocks.Length * RtcpReportBlock.Size);
        if (blocks.Length > 31 || destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], info.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], info.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], info.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], info.OctetCount);
        WriteBlocks(destination[28..], blocks);
        written = length;
        return true;
    }

    /// <summary>Writes a receiver report with up to 31 report blocks.</summary>
    public static bool TryWriteReceiverReport(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        written = 0;
        var length = HeaderSize + 4 + (blocks.Length * RtcpReportBlock.Size);
        if (blocks.Length > 31 || destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        WriteBlocks(destination[8..], blocks);
        written = length;
        return true;
    }

    /// <summary>Writes an SDES packet with one chunk carrying a CNAME item (§6.5.1).</summary>
    public static bool TryWriteSdesCname(Span<byte> destination, uint ssrc, string cname, out int written)
    {
        written = 0;
        var nameLength = Encoding.UTF8.GetByteCount(cname);
        if (nameLength > 255)
        {
            return false;
        }

        // Chunk: SSRC, item (type, length, text), at least one null octet, padded to 32 bits (§6.5).
        var chunk = 4 + 2 + nameLength + 1;
        chunk = (chunk + 3) & ~3;
        var length = HeaderSize + chunk;
        if (destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = 1; // CNAME
        destination[9] = (byte)nameLength;
        Encoding.UTF8.GetBytes(cname, destination[10..]);
        destination[(10 + nameLength)..length].Clear();
        written = length;
        return true;
    }

    /// <summary>Writes a BYE packet for the given sources with an optional reason (§6.6).</summary>
    public static bool TryWriteBye(Span<byte> destination, ReadOnlySpan<uint> ssrcs, string? reason, out int written)
    {
        written = 0;
        var reasonLength = reason is null ? -1 : Encoding.UTF8.GetByteCount(reason);
        if (ssrcs.Length > 31 || reasonLength > 255)
        {
            return false;
        }

        var length = HeaderSize + (4 * ssrcs.Length) + (reasonLength >= 0 ? (1 + reasonLength + 3) & ~3 : 0);
        if (destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, ssrcs.Length, RtcpPacketType.Bye, length);
        var offset = HeaderSize;
        foreach (var s in ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], s);
            offset += 4;
        }

        if (reason is not null)
        {
            destination[offset] = (byte)reasonLength;
            Encoding.UTF8.GetBytes(reason, destination[(offset + 1)..]);
            destination[(offset + 1 + reasonLength)..length].Clear();
        }

        written = length;
        return true;
    }

    private static void WriteHeader(Span<byte> destination, int count, RtcpPacketType type, int length)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)type;
        // Length in 32-bit words minus one (§6.4.1).
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }

    private static void WriteBlocks(Span<byte> destination, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        var offset = 0;
        foreach (var b in blocks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], b.Ssrc);
            var lost = (uint)b.CumulativeLost & 0xFFFFFF;
            BinaryPrimitives.WriteUInt32BigEndian(destination[(offset + 4)..], ((uint)b.FractionLost << 24) | lost);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(offset + 8)..], b.ExtendedHighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(offset + 12)..], b.Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(offset + 16)..], b.LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(offset + 20)..], b.DelaySinceLastSenderReport);
            offset += RtcpReportBlock.Size;
        }
    }
}
