using System.Buffers.Binary;

namespace Tolk.Media.Rtp;

/// <summary>
/// A parsed view over one RTP packet (RFC 3550 §5.1). Nothing is copied: every span points into the
/// buffer given to <see cref="TryParse"/>, so the view is valid only while that buffer is.
/// </summary>
public readonly ref struct RtpPacket
{
    /// <summary>Size of the fixed RTP header.</summary>
    public const int FixedHeaderSize = 12;

    /// <summary>The only RTP version in use (RFC 3550 §5.1).</summary>
    public const int Version = 2;

    private RtpPacket(ReadOnlySpan<byte> packet, int csrcCount, int payloadOffset, int payloadLength, int paddingLength,
        ushort extensionProfile, ReadOnlySpan<byte> extensionData, bool hasExtension)
    {
        Buffer = packet;
        CsrcCount = csrcCount;
        Payload = packet.Slice(payloadOffset, payloadLength);
        PaddingLength = paddingLength;
        ExtensionProfile = extensionProfile;
        ExtensionData = extensionData;
        HasExtension = hasExtension;
    }

    /// <summary>The whole packet as received.</summary>
    public ReadOnlySpan<byte> Buffer { get; }

    /// <summary>True when the P bit was set; <see cref="PaddingLength"/> bytes were stripped from the payload.</summary>
    public bool HasPadding => (Buffer[0] & 0x20) != 0;

    /// <summary>Number of padding bytes (including the count byte) at the end of the packet.</summary>
    public int PaddingLength { get; }

    /// <summary>True when a header extension (X bit) is present.</summary>
    public bool HasExtension { get; }

    /// <summary>The 16-bit "defined by profile" word of the header extension (RFC 3550 §5.3.1).</summary>
    public ushort ExtensionProfile { get; }

    /// <summary>The header extension body (without its 4-byte preamble).</summary>
    public ReadOnlySpan<byte> ExtensionData { get; }

    /// <summary>Number of contributing sources (CC field).</summary>
    public int CsrcCount { get; }

    /// <summary>Marker bit.</summary>
    public bool Marker => (Buffer[1] & 0x80) != 0;

    /// <summary>Payload type (7 bits).</summary>
    public byte PayloadType => (byte)(Buffer[1] & 0x7F);

    /// <summary>Sequence number.</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(Buffer[2..]);

    /// <summary>RTP timestamp.</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(Buffer[4..]);

    /// <summary>Synchronisation source.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(Buffer[8..]);

    /// <summary>The payload, without padding.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Returns contributing source <paramref name="index"/> (0-based, below <see cref="CsrcCount"/>).</summary>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(Buffer[(FixedHeaderSize + (4 * index))..]);
    }

    /// <summary>
    /// Parses <paramref name="data"/> as an RTP packet. Returns false (never throws) on anything that
    /// is not a well-formed version-2 packet: truncated header, CSRC list or extension, or a padding
    /// count that is zero or larger than the payload.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet)
    {
        packet = default;
        if (data.Length < FixedHeaderSize || (data[0] >> 6) != Version)
        {
            return false;
        }

        var csrcCount = data[0] & 0x0F;
        var offset = FixedHeaderSize + (4 * csrcCount);
        if (offset > data.Length)
        {
            return false;
        }

        var hasExtension = (data[0] & 0x10) != 0;
        ushort profile = 0;
        ReadOnlySpan<byte> extension = default;
        if (hasExtension)
        {
            // RFC 3550 §5.3.1: 16-bit profile word, 16-bit length in 32-bit words, then the body.
            if (offset + 4 > data.Length)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var words = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            offset += 4;
            var extensionBytes = words * 4;
            if (offset + extensionBytes > data.Length)
            {
                return false;
            }

            extension = data.Slice(offset, extensionBytes);
            offset += extensionBytes;
        }

        var end = data.Length;
        var padding = 0;
        if ((data[0] & 0x20) != 0)
        {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            padding = data[^1];
            if (padding == 0 || end - padding < offset)
            {
                return false;
            }

            end -= padding;
        }

        packet = new RtpPacket(data, csrcCount, offset, end - offset, padding, profile, extension, hasExtension);
        return true;
    }

    /// <summary>
    /// RFC 5761 §4: when RTP and RTCP share a port, a second octet in 192..223 (RTCP packet types
    /// 192..223) marks RTCP; RTP payload types 64..95 are therefore not used with rtcp-mux.
    /// </summary>
    public static bool LooksLikeRtcp(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && (data[0] >> 6) == Version && data[1] >= 192 && data[1] <= 223;
}
