namespace Tolk.Sip.Sdp;

/// <summary>
/// An RTP audio codec as SDP names it (RFC 3551 §6 for the static payload types). <see cref="ClockRate"/> is
/// the RTP clock rate, which for G.722 is 8000 although it samples at 16 kHz (RFC 3551 §4.5.2).
/// </summary>
/// <param name="Name">Encoding name as in a=rtpmap (compared case-insensitively).</param>
/// <param name="ClockRate">RTP clock rate.</param>
/// <param name="Channels">Channel count as in a=rtpmap (Opus is always written /2, RFC 7587 §7).</param>
/// <param name="StaticPayloadType">The RFC 3551 static payload type, or null for a dynamic codec.</param>
/// <param name="Fmtp">Our a=fmtp parameters for this codec, or null.</param>
/// <param name="DynamicPayloadType">Payload type we use in our own offers for a dynamic codec.</param>
public sealed record SdpCodec(string Name, int ClockRate, int Channels = 1, int? StaticPayloadType = null, string? Fmtp = null, int DynamicPayloadType = 96)
{
    /// <summary>G.711 µ-law, PT 0.</summary>
    public static SdpCodec Pcmu { get; } = new("PCMU", 8000, 1, 0);

    /// <summary>G.711 A-law, PT 8.</summary>
    public static SdpCodec Pcma { get; } = new("PCMA", 8000, 1, 8);

    /// <summary>G.722, PT 9 (RTP clock 8000).</summary>
    public static SdpCodec G722 { get; } = new("G722", 8000, 1, 9);

    /// <summary>Opus (RFC 7587): opus/48000/2, dynamic, in-band FEC on.</summary>
    public static SdpCodec Opus { get; } = new("opus", 48000, 2, null, "useinbandfec=1", 111);

    /// <summary>RFC 4733 DTMF events at 8 kHz, dynamic, events 0-16.</summary>
    public static SdpCodec TelephoneEvent { get; } = new("telephone-event", 8000, 1, null, "0-16", 101);

    /// <summary>True for telephone-event (RFC 4733), which rides alongside the audio codec.</summary>
    public bool IsTelephoneEvent => string.Equals(Name, "telephone-event", StringComparison.OrdinalIgnoreCase);

    /// <summary>The payload type we put in our own offers.</summary>
    public int OfferPayloadType => StaticPayloadType ?? DynamicPayloadType;

    /// <summary>True when <paramref name="rtpMap"/> describes this codec (name, rate and channels).</summary>
    public bool Matches(SdpRtpMap rtpMap)
    {
        ArgumentNullException.ThrowIfNull(rtpMap);
        return string.Equals(rtpMap.EncodingName, Name, StringComparison.OrdinalIgnoreCase)
            && rtpMap.ClockRate == ClockRate
            && rtpMap.ChannelCount == Channels;
    }

    /// <summary>RFC 3551 §6 static audio payload types that may appear without a=rtpmap.</summary>
    public static SdpRtpMap? StaticRtpMap(int payloadType) => payloadType switch
    {
        0 => new SdpRtpMap(0, "PCMU", 8000),
        3 => new SdpRtpMap(3, "GSM", 8000),
        4 => new SdpRtpMap(4, "G723", 8000),
        8 => new SdpRtpMap(8, "PCMA", 8000),
        9 => new SdpRtpMap(9, "G722", 8000),
        13 => new SdpRtpMap(13, "CN", 8000),
        18 => new SdpRtpMap(18, "G729", 8000),
        _ => null,
    };
}

/// <summary>Whether SRTP (SDES, RFC 4568) is used.</summary>
public enum SrtpPolicy
{
    /// <summary>Use SRTP when the peer offers or accepts it, plain RTP otherwise.</summary>
    Optional,
    /// <summary>Refuse plain RTP (488).</summary>
    Required,
    /// <summary>Refuse SRTP (488 for RTP/SAVP offers); never offer it.</summary>
    Forbidden,
}

/// <summary>SRTP crypto suite names (RFC 4568 §6.2, RFC 7714 §12) and their master key sizes.</summary>
public static class SrtpCryptoSuites
{
    /// <summary>AES-CM 128 with an 80-bit HMAC-SHA1 tag.</summary>
    public const string AesCm128HmacSha1_80 = "AES_CM_128_HMAC_SHA1_80";

    /// <summary>AES-CM 128 with a 32-bit HMAC-SHA1 tag.</summary>
    public const string AesCm128HmacSha1_32 = "AES_CM_128_HMAC_SHA1_32";

    /// <summary>AES-GCM 128 (RFC 7714).</summary>
    public const string AeadAes128Gcm = "AEAD_AES_128_GCM";

    /// <summary>All suites we implement, strongest first.</summary>
    public static IReadOnlyList<string> All { get; } = [AeadAes128Gcm, AesCm128HmacSha1_80, AesCm128HmacSha1_32];

    /// <summary>
    /// Length in bytes of master key || master salt for <paramref name="suite"/>: 16+14 for AES-CM
    /// (RFC 4568 §6.2.1), 16+12 for AES-GCM (RFC 7714 §12); -1 when unknown.
    /// </summary>
    public static int KeySaltLength(string suite) => suite switch
    {
        AesCm128HmacSha1_80 or AesCm128HmacSha1_32 => 30,
        AeadAes128Gcm => 28,
        _ => -1,
    };
}
