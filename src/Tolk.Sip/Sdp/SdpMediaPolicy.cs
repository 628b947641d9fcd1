using System.Net;
using System.Security.Cryptography;

namespace Tolk.Sip.Sdp;

/// <summary>What we are able and willing to do for one call's audio: the input of offer/answer.</summary>
public sealed class SdpMediaPolicy
{
    /// <summary>Address written in our o= and c= lines and where we receive RTP.</summary>
    public required IPAddress LocalAddress { get; init; }

    /// <summary>Our RTP port (RTCP on the next port unless rtcp-mux is negotiated).</summary>
    public required int LocalRtpPort
    {
        get => _localRtpPort;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 65535);
            _localRtpPort = value;
        }
    }

    private readonly int _localRtpPort;

    /// <summary>Supported codecs in our preference order; include <see cref="SdpCodec.TelephoneEvent"/> to accept DTMF events.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } =
        [SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.G722, SdpCodec.Opus, SdpCodec.TelephoneEvent];

    /// <summary>SRTP policy.</summary>
    public SrtpPolicy Srtp { get; init; } = SrtpPolicy.Optional;

    /// <summary>Crypto suites we accept; in our offers, listed in this order.</summary>
    public IReadOnlyList<string> CryptoSuites { get; init; } =
        [SrtpCryptoSuites.AesCm128HmacSha1_80, SrtpCryptoSuites.AesCm128HmacSha1_32, SrtpCryptoSuites.AeadAes128Gcm];

    /// <summary>Packetisation time we ask the peer for (a=ptime), in ms.</summary>
    public int Ptime { get; init; } = 20;

    /// <summary>Accept and offer rtcp-mux (RFC 5761).</summary>
    public bool RtcpMux { get; init; } = true;

    /// <summary>Our own direction wish (e.g. SendOnly when we put the peer on hold).</summary>
    public SdpDirection LocalDirection { get; init; } = SdpDirection.SendRecv;

    /// <summary>s= line of our descriptions.</summary>
    public string SessionName { get; init; } = "Tolk";

    /// <summary>Produces <c>n</c> random bytes for SRTP master keys; cryptographically strong by default.</summary>
    public Func<int, byte[]> KeyGenerator { get; init; } = RandomNumberGenerator.GetBytes;
}
