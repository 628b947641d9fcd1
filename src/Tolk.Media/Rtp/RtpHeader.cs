using System.Buffers.Binary;

namespace Tolk.Media.Rtp;

/// <summary>The fields a sender chooses for one RTP packet (RFC 3550 §5.1).</summary>
public record struct RtpHeader(byte PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc, bool Marker = false)
{
    /// <summary>Bytes needed for a header with <paramref name="csrcCount"/> CSRCs and an extension body of <paramref name="extensionLength"/> bytes (0 = none).</summary>
    public static int GetHeaderSize(int csrcCount = 0, int extensionLength = -1) =>
        RtpPacket.FixedHeaderSize + (4 * csrcCount) + (extensionLength >= 0 ? 4 + extensionLength : 0);

    /// <summary>
    /// Writes a complete RTP packet into <paramref name="destination"/>. Returns false when the buffer is
    /// too small or an argument is out of range (payload type above 127, more than 15 CSRCs, an
    /// extension body not a multiple of 4 bytes, padding outside 0..255). Nothing is allocated.
    /// </summary>
    /// <param name="destination">Caller's buffer.</param>
    /// <param name="payload">Payload bytes to copy after the header.</param>
    /// <param name="written">Bytes written.</param>
    /// <param name="csrcs">Optional contributing sources.</param>
    /// <param name="extensionProfile">Profile word of the header extension, used when <paramref name="hasExtension"/>.</param>
    /// <param name="extensionData">Header extension body (multiple of 4 bytes).</param>
    /// <param name="hasExtension">Whether to write the X bit and an extension.</param>
    /// <param name="padding">Padding octets to append (0 for none), the last one holding the count.</param>
    public readonly bool TryWrite(Span<byte> destination, ReadOnlySpan<byte> payload, out int written,
        ReadOnlySpan<uint> csrcs = default, ushort extensionProfile = 0, ReadOnlySpan<byte> extensionData = default,
        bool hasExtension = false, int padding = 0)
    {
        written = 0;
        if (PayloadType > 127 || csrcs.Length > 15 || extensionData.Length % 4 != 0 || extensionData.Length > 4 * ushort.MaxValue
            || padding is < 0 or > 255)
        {
            return false;
        }

        var headerSize = GetHeaderSize(csrcs.Length, hasExtension ? extensionData.Length : -1);
        var total = headerSize + payload.Length + padding;
        if (total > destination.Length)
        {
            return false;
        }

        destination[0] = (byte)((RtpPacket.Version << 6) | (padding > 0 ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | csrcs.Length);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        var offset = RtpPacket.FixedHeaderSize;
        foreach (var csrc in csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], csrc);
            offset += 4;
        }

        if (hasExtension)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], extensionProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(extensionData.Length / 4));
            extensionData.CopyTo(destination[(offset + 4)..]);
            offset += 4 + extensionData.Length;
        }

        payload.CopyTo(destination[offset..]);
        offset += payload.Length;
        if (padding > 0)
        {
            destination.Slice(offset, padding - 1).Clear();
            destination[offset + padding - 1] = (byte)padding;
            offset += padding;
        }

        written = offset;
        return true;
    }
}
