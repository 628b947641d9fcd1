namespace Tolk.Media.Codecs;

/// <summary>
/// Raises an Opus encoder's expected packet loss from the receiver's RTCP reception reports (RFC 3550 §6.4.1 fraction
/// lost), the way WebRTC drives Opus FEC: libopus sizes its in-band LBRR redundancy by this expectation, and a fixed
/// guess under-protects a caller on a lossy link. The configured expectation stays the floor (a phone that sends no
/// RTCP tells us nothing, and a burst can come between reports); reported loss above it raises the expectation at
/// once, reports with less loss bring it back down by halves, so a burst stays covered for a few report intervals.
/// </summary>
public sealed class LossAdaptiveFec(OpusEncoder encoder, int floorPercent)
{
    /// <summary>Highest expectation set from reports: beyond this LBRR only takes bits from the primary encoding.</summary>
    public const int MaxPercent = 30;

    /// <summary>The loss the encoder currently protects against, in percent.</summary>
    public int ExpectedLossPercent => encoder.PacketLossPercent;

    /// <summary>Applies one reception report's fraction lost (in 1/256, as RTCP carries it).</summary>
    public void OnReport(byte fractionLost)
    {
        var reported = Math.Min(MaxPercent, (int)Math.Ceiling(fractionLost * 100 / 256.0));
        var current = encoder.PacketLossPercent;
        var next = Math.Max(floorPercent, reported >= current ? reported : Math.Max(reported, current / 2));
        if (next != current)
        {
            encoder.PacketLossPercent = next;
        }
    }
}
