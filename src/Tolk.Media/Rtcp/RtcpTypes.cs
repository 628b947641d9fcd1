namespace Tolk.Media.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1).</summary>
public enum RtcpPacketType : byte
{
    /// <summary>Sender report.</summary>
    SenderReport = 200,

    /// <summary>Receiver report.</summary>
    ReceiverReport = 201,

    /// <summary>Source description.</summary>
    SourceDescription = 202,

    /// <summary>Goodbye.</summary>
    Bye = 203,

    /// <summary>Application-defined.</summary>
    App = 204,
}

/// <summary>One reception report block (RFC 3550 §6.4.1).</summary>
/// <param name="Ssrc">Source this block reports on.</param>
/// <param name="FractionLost">Fraction lost since the last report, in 1/256.</param>
/// <param name="CumulativeLost">Cumulative packets lost (signed 24 bits).</param>
/// <param name="ExtendedHighestSequence">Extended highest sequence number received.</param>
/// <param name="Jitter">Interarrival jitter in timestamp units.</param>
/// <param name="LastSenderReport">LSR: middle 32 bits of the NTP timestamp of the last SR.</param>
/// <param name="DelaySinceLastSenderReport">DLSR in units of 1/65536 s.</param>
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence,
    uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport)
{
    /// <summary>Wire size of a report block.</summary>
    public const int Size = 24;

    /// <summary>
    /// Round-trip time seen by the sender of the SR this block echoes (RFC 3550 §6.4.1): A - LSR - DLSR,
    /// where A is the middle 32 bits of the NTP time at which this block arrived. Null when no SR was
    /// echoed (LSR = 0) or the result is implausible (negative, from a peer with a broken clock).
    /// </summary>
    public TimeSpan? RoundTripTime(uint arrivalNtpMiddle)
    {
        if (LastSenderReport == 0)
        {
            return null;
        }

        var rtt = arrivalNtpMiddle - LastSenderReport - DelaySinceLastSenderReport;
        return rtt < 65536u * 60 ? TimeSpan.FromSeconds(rtt / 65536.0) : null;
    }
}

/// <summary>Sender information of an SR (RFC 3550 §6.4.1).</summary>
/// <param name="NtpTimestamp">64-bit NTP wallclock time.</param>
/// <param name="RtpTimestamp">RTP timestamp corresponding to the same instant.</param>
/// <param name="PacketCount">Packets sent since the start.</param>
/// <param name="OctetCount">Payload octets sent since the start.</param>
public readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>Wire size of the sender info.</summary>
    public const int Size = 20;

    private static readonly DateTimeOffset NtpEpoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Converts a wallclock time to a 64-bit NTP timestamp (RFC 3550 §4).</summary>
    public static ulong ToNtp(DateTimeOffset time)
    {
        var ticks = (ulong)(time - NtpEpoch).Ticks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var fraction = (ticks % TimeSpan.TicksPerSecond << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
