using System.Net;

namespace Tolk.Sip.Sdp;

/// <summary>The result of offer/answer for the audio stream: everything the RTP session needs.</summary>
/// <param name="MediaIndex">Index of the audio m= line in the SDP.</param>
/// <param name="RemoteRtp">Where to send RTP (0.0.0.0 for a legacy hold).</param>
/// <param name="RemoteRtcp">Where to send RTCP (equal to <paramref name="RemoteRtp"/> with rtcp-mux).</param>
/// <param name="RtcpMux">RTP and RTCP share one port (RFC 5761).</param>
/// <param name="Codec">The audio codec both sides use.</param>
/// <param name="TelephoneEventPayloadType">RFC 4733 payload type, or null when DTMF events were not agreed.</param>
/// <param name="Ptime">Packetisation time for what we send (the peer's a=ptime, else ours, capped by its maxptime).</param>
/// <param name="Direction">Direction from our point of view (RecvOnly when the peer holds us).</param>
/// <param name="IsHeld">The peer put the call on hold (sendonly/inactive or c=0.0.0.0).</param>
/// <param name="Srtp">SRTP keys, or null for plain RTP.</param>
public sealed record NegotiatedMedia(
    int MediaIndex,
    IPEndPoint RemoteRtp,
    IPEndPoint RemoteRtcp,
    bool RtcpMux,
    NegotiatedCodec Codec,
    int? TelephoneEventPayloadType,
    int Ptime,
    SdpDirection Direction,
    bool IsHeld,
    SrtpParameters? Srtp);

/// <summary>The agreed codec.</summary>
/// <param name="Name">Encoding name (as we spell it, e.g. "PCMU", "opus").</param>
/// <param name="PayloadType">Payload type in both directions (the offerer's number, RFC 3264 §6.1).</param>
/// <param name="ClockRate">RTP clock rate.</param>
/// <param name="Channels">Channels as signalled.</param>
/// <param name="RemoteFmtp">The peer's a=fmtp for this codec (governs what we send), or null.</param>
/// <param name="LocalFmtp">Our a=fmtp for this codec, or null.</param>
public sealed record NegotiatedCodec(string Name, int PayloadType, int ClockRate, int Channels, string? RemoteFmtp, string? LocalFmtp);

/// <summary>SDES-keyed SRTP (RFC 4568) parameters for both directions.</summary>
/// <param name="Suite">Crypto suite name, e.g. AES_CM_128_HMAC_SHA1_80.</param>
/// <param name="Tag">The a=crypto tag that was accepted.</param>
/// <param name="RemoteKey">The peer's key parameters: protects what it sends, so we decrypt with it.</param>
/// <param name="RemoteMasterKeySalt">The peer's decoded master key || salt.</param>
/// <param name="LocalKey">Our key parameters: protects what we send.</param>
/// <param name="LocalMasterKeySalt">Our decoded master key || salt.</param>
public sealed record SrtpParameters(
    string Suite,
    int Tag,
    SdpCryptoKey RemoteKey,
    byte[] RemoteMasterKeySalt,
    SdpCryptoKey LocalKey,
    byte[] LocalMasterKeySalt);

/// <summary>
/// Outcome of <see cref="SdpAnswerer.Answer"/> or <see cref="SdpOfferer.ProcessAnswer"/>: accepted with the
/// negotiated media (and, for the answerer, the answer to send), or rejected with the SIP status to use.
/// </summary>
public sealed class SdpNegotiationResult
{
    private SdpNegotiationResult(SdpSessionDescription? answer, NegotiatedMedia? media, int statusCode, string? reason, string? detail)
    {
        Answer = answer;
        Media = media;
        StatusCode = statusCode;
        ReasonPhrase = reason;
        Detail = detail;
    }

    /// <summary>True when media was agreed.</summary>
    public bool IsAccepted => Media is not null;

    /// <summary>The answer to send in the 2xx (answerer only; null when processing a remote answer or on rejection).</summary>
    public SdpSessionDescription? Answer { get; }

    /// <summary>The agreed audio stream, or null on rejection.</summary>
    public NegotiatedMedia? Media { get; }

    /// <summary>200 on success; 488 Not Acceptable Here on rejection (RFC 3261 §21.4.26).</summary>
    public int StatusCode { get; }

    /// <summary>"Not Acceptable Here" on rejection.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>Why it was rejected, fit for a Warning header (RFC 3261 §20.43, code 305/304) or a log.</summary>
    public string? Detail { get; }

    internal static SdpNegotiationResult Accepted(SdpSessionDescription? answer, NegotiatedMedia media) =>
        new(answer, media, 200, null, null);

    internal static SdpNegotiationResult Rejected(string detail) =>
        new(null, null, 488, "Not Acceptable Here", detail);
}
