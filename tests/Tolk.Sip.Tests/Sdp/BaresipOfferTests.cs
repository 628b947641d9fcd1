using System.Net;
using Tolk.Sip.Sdp;

namespace Tolk.Sip.Tests.Sdp;

/// <summary>Offers produced live by the installed baresip, answered by <see cref="SdpAnswerer"/>.</summary>
[Collection(BaresipCollection.Name)]
public class BaresipOfferTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Plain_rtp_offer_from_baresip_is_answered_with_its_first_common_codec()
    {
        await using var peer = BaresipPeer.Start("audio_codecs=PCMA,PCMU");
        var (invite, _) = await peer.ReceiveAsync("INVITE", Timeout);
        Assert.True(SdpSessionDescription.TryParse(BaresipPeer.Body(invite), out var offer, out var error), error);

        var policy = new SdpMediaPolicy { LocalAddress = IPAddress.Loopback, LocalRtpPort = 30000, Codecs = [SdpCodec.Pcma, SdpCodec.Pcmu, SdpCodec.TelephoneEvent] };
        var result = SdpAnswerer.Answer(offer!, policy, new SdpLocalSession());
        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal("RTP/AVP", offer!.Media[0].Protocol);
        Assert.Equal(("PCMA", 8), (result.Media!.Codec.Name, result.Media.Codec.PayloadType));
        Assert.Equal(IPAddress.Loopback, result.Media.RemoteRtp.Address);
        Assert.Equal(offer.Media[0].Port, result.Media.RemoteRtp.Port);
        Assert.NotNull(result.Media.TelephoneEventPayloadType);
        Assert.Null(result.Media.Srtp);
        // Whatever baresip sent survives our serialiser unchanged (modulo CRLF).
        Assert.Equal(BaresipPeer.Body(invite).ReplaceLineEndings("\r\n"), offer.ToString());
    }

    [Fact]
    public async Task Mandatory_srtp_offer_from_baresip_yields_sdes_keys()
    {
        await using var peer = BaresipPeer.Start("mediaenc=srtp-mand");
        var (invite, _) = await peer.ReceiveAsync("INVITE", Timeout);
        Assert.True(SdpSessionDescription.TryParse(BaresipPeer.Body(invite), out var offer, out var error), error);
        Assert.Equal("RTP/SAVP", offer!.Media[0].Protocol);

        var required = new SdpMediaPolicy { LocalAddress = IPAddress.Loopback, LocalRtpPort = 30000, Srtp = SrtpPolicy.Required };
        var result = SdpAnswerer.Answer(offer, required, new SdpLocalSession());
        Assert.True(result.IsAccepted, result.Detail);
        var srtp = result.Media!.Srtp!;
        Assert.Equal(SrtpCryptoSuites.AesCm128HmacSha1_80, srtp.Suite);
        Assert.Equal(30, srtp.RemoteMasterKeySalt.Length);
        Assert.Equal(srtp.LocalMasterKeySalt, result.Answer!.Media[0].Cryptos.Single().Keys[0].DecodeKeySalt());

        var forbidden = new SdpMediaPolicy { LocalAddress = IPAddress.Loopback, LocalRtpPort = 30000, Srtp = SrtpPolicy.Forbidden };
        Assert.Equal(488, SdpAnswerer.Answer(offer, forbidden, new SdpLocalSession()).StatusCode);
    }
}
