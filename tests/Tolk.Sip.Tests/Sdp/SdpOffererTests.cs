using System.Net;
using Tolk.Sip.Sdp;

namespace Tolk.Sip.Tests.Sdp;

public class SdpOffererTests
{
    private static SdpMediaPolicy Policy(IPAddress address, int port, SrtpPolicy srtp = SrtpPolicy.Optional, IReadOnlyList<SdpCodec>? codecs = null) => new()
    {
        LocalAddress = address,
        LocalRtpPort = port,
        Srtp = srtp,
        Codecs = codecs ?? [SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.G722, SdpCodec.Opus, SdpCodec.TelephoneEvent],
    };

    private static readonly IPAddress Us = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Them = IPAddress.Parse("198.51.100.9");

    [Fact]
    public void Offer_lists_every_codec_with_rtpmap_fmtp_and_crypto()
    {
        var offer = SdpOfferer.CreateOffer(Policy(Us, 30000, SrtpPolicy.Required), new SdpLocalSession());
        var sdp = SdpSamples.Parse(offer.Description.ToString());
        Assert.Equal(offer.Description.ToString(), sdp.ToString());
        var m = Assert.Single(sdp.Media);
        Assert.Equal(("audio", 30000, "RTP/SAVP"), (m.Media, m.Port, m.Protocol));
        Assert.Equal(["0", "8", "9", "111", "101", "102"], m.Formats);
        Assert.Equal(new SdpRtpMap(101, "telephone-event", 8000), m.GetRtpMap(101));
        Assert.Equal(new SdpRtpMap(102, "telephone-event", 48000), m.GetRtpMap(102));
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), m.GetRtpMap(111));
        Assert.Equal("useinbandfec=1", m.GetFmtp("111"));
        Assert.Equal("0-16", m.GetFmtp("101"));
        Assert.Equal([1, 2, 3], m.Cryptos.Select(c => c.Tag));
        Assert.Equal([30, 30, 28], m.Cryptos.Select(c => c.Keys[0].DecodeKeySalt()!.Length));
        Assert.True(m.RtcpMux);
        Assert.Equal(SdpDirection.SendRecv, m.Direction);
        Assert.Equal(offer.Description.Origin.SessionVersion, sdp.Origin.SessionVersion);
    }

    [Theory]
    [InlineData(SrtpPolicy.Forbidden, "RTP/AVP", 0)]
    [InlineData(SrtpPolicy.Optional, "RTP/AVP", 3)]
    [InlineData(SrtpPolicy.Required, "RTP/SAVP", 3)]
    public void Srtp_policy_shapes_the_offer(SrtpPolicy srtp, string protocol, int cryptoLines)
    {
        var m = SdpOfferer.CreateOffer(Policy(Us, 30000, srtp), new SdpLocalSession()).Description.Media[0];
        Assert.Equal(protocol, m.Protocol);
        Assert.Equal(cryptoLines, m.Cryptos.Count);
    }

    [Theory]
    [InlineData(SrtpPolicy.Required, SrtpPolicy.Required)]
    [InlineData(SrtpPolicy.Optional, SrtpPolicy.Optional)]
    [InlineData(SrtpPolicy.Optional, SrtpPolicy.Forbidden)]
    public void Offer_answered_by_our_own_answerer_agrees_on_both_sides(SrtpPolicy offererSrtp, SrtpPolicy answererSrtp)
    {
        var offererPolicy = Policy(Us, 30000, offererSrtp, [SdpCodec.Opus, SdpCodec.Pcma, SdpCodec.TelephoneEvent]);
        var answererPolicy = Policy(Them, 40000, answererSrtp, [SdpCodec.Pcma, SdpCodec.Opus, SdpCodec.TelephoneEvent]);
        var offer = SdpOfferer.CreateOffer(offererPolicy, new SdpLocalSession());

        var answered = SdpAnswerer.Answer(SdpSamples.Parse(offer.Description.ToString()), answererPolicy, new SdpLocalSession());
        Assert.True(answered.IsAccepted, answered.Detail);
        var processed = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(answered.Answer!.ToString()), offererPolicy);
        Assert.True(processed.IsAccepted, processed.Detail);

        var a = answered.Media!;
        var o = processed.Media!;
        Assert.Equal(new IPEndPoint(Us, 30000), a.RemoteRtp);
        Assert.Equal(new IPEndPoint(Them, 40000), o.RemoteRtp);
        Assert.True(a.RtcpMux && o.RtcpMux);
        // The answerer chose by its preference (PCMA) and both ends use PT 8.
        Assert.Equal(("PCMA", 8), (a.Codec.Name, a.Codec.PayloadType));
        Assert.Equal(("PCMA", 8), (o.Codec.Name, o.Codec.PayloadType));
        Assert.Equal(101, a.TelephoneEventPayloadType);
        Assert.Equal(101, o.TelephoneEventPayloadType);
        if (answererSrtp == SrtpPolicy.Forbidden)
        {
            Assert.Null(a.Srtp);
            Assert.Null(o.Srtp);
            return;
        }
        // Keys cross over: what one side sends with, the other receives with.
        Assert.Equal(a.Srtp!.Suite, o.Srtp!.Suite);
        Assert.Equal(a.Srtp.RemoteMasterKeySalt, o.Srtp.LocalMasterKeySalt);
        Assert.Equal(a.Srtp.LocalMasterKeySalt, o.Srtp.RemoteMasterKeySalt);
        Assert.Equal(SrtpCryptoSuites.AesCm128HmacSha1_80, o.Srtp.Suite);
    }

    [Fact]
    public void Opus_agreed_when_both_prefer_it()
    {
        var policy = Policy(Us, 30000, SrtpPolicy.Forbidden, [SdpCodec.Opus, SdpCodec.Pcmu]);
        var offer = SdpOfferer.CreateOffer(policy, new SdpLocalSession());
        var answered = SdpAnswerer.Answer(offer.Description, Policy(Them, 40000, SrtpPolicy.Forbidden, [SdpCodec.Opus]), new SdpLocalSession());
        var processed = SdpOfferer.ProcessAnswer(offer, answered.Answer!, policy);
        Assert.Equal(("opus", 111, 48000, 2), (processed.Media!.Codec.Name, processed.Media.Codec.PayloadType, processed.Media.Codec.ClockRate, processed.Media.Codec.Channels));
        Assert.Equal("useinbandfec=1", processed.Media.Codec.RemoteFmtp);
    }

    [Fact]
    public void Telephone_event_follows_the_clock_of_the_chosen_codec()
    {
        var policy = Policy(Us, 30000, SrtpPolicy.Forbidden, [SdpCodec.Opus, SdpCodec.Pcmu, SdpCodec.TelephoneEvent]);
        foreach (var (answererCodecs, expectedTe) in new (SdpCodec[], int)[] { ([SdpCodec.Opus, SdpCodec.TelephoneEvent], 102), ([SdpCodec.Pcmu, SdpCodec.TelephoneEvent], 101) })
        {
            var offer = SdpOfferer.CreateOffer(policy, new SdpLocalSession());
            var answered = SdpAnswerer.Answer(offer.Description, Policy(Them, 40000, SrtpPolicy.Forbidden, answererCodecs), new SdpLocalSession());
            Assert.Equal(expectedTe, answered.Media!.TelephoneEventPayloadType);
            var processed = SdpOfferer.ProcessAnswer(offer, answered.Answer!, policy);
            Assert.Equal(expectedTe, processed.Media!.TelephoneEventPayloadType);
        }
    }

    [Fact]
    public void Hold_offer_answered_recvonly()
    {
        var holding = new SdpMediaPolicy { LocalAddress = Us, LocalRtpPort = 30000, LocalDirection = SdpDirection.SendOnly, Srtp = SrtpPolicy.Forbidden };
        var session = new SdpLocalSession();
        var offer = SdpOfferer.CreateOffer(holding, session);
        var answered = SdpAnswerer.Answer(offer.Description, Policy(Them, 40000), new SdpLocalSession());
        Assert.Equal(SdpDirection.RecvOnly, answered.Media!.Direction);
        Assert.True(answered.Media.IsHeld);
        var processed = SdpOfferer.ProcessAnswer(offer, answered.Answer!, holding);
        Assert.Equal(SdpDirection.SendOnly, processed.Media!.Direction);
    }

    [Fact]
    public void Rejected_or_inconsistent_answers_fail_with_a_reason()
    {
        var policy = Policy(Us, 30000, SrtpPolicy.Required);
        var offer = SdpOfferer.CreateOffer(policy, new SdpLocalSession());
        string Answer(string m) => "v=0\r\no=- 5 5 IN IP4 198.51.100.9\r\ns=-\r\nc=IN IP4 198.51.100.9\r\nt=0 0\r\n" + m;

        var rejected = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(Answer("m=audio 0 RTP/SAVP 0\r\n")), policy);
        Assert.Contains("rejected", rejected.Detail, StringComparison.Ordinal);

        var noCrypto = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(Answer("m=audio 4000 RTP/SAVP 0\r\n")), policy);
        Assert.Contains("crypto", noCrypto.Detail, StringComparison.Ordinal);

        var key = Convert.ToBase64String(new byte[30]);
        var wrongTag = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(Answer($"m=audio 4000 RTP/SAVP 0\r\na=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n")), policy);
        Assert.False(wrongTag.IsAccepted);

        var unknownCodec = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(Answer($"m=audio 4000 RTP/SAVP 18\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n")), policy);
        Assert.Contains("codecs", unknownCodec.Detail, StringComparison.Ordinal);

        var extraLine = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(Answer("m=audio 4000 RTP/SAVP 0\r\nm=video 0 RTP/AVP 99\r\n")), policy);
        Assert.Contains("m= lines", extraLine.Detail, StringComparison.Ordinal);

        var good = SdpOfferer.ProcessAnswer(offer, SdpSamples.Parse(Answer($"m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n")), policy);
        Assert.True(good.IsAccepted, good.Detail);
        Assert.Equal(new byte[30], good.Media!.Srtp!.RemoteMasterKeySalt);
        Assert.Equal(4001, good.Media.RemoteRtcp.Port);
    }

    [Fact]
    public void Reoffer_with_changes_bumps_the_version_and_keeps_keys()
    {
        var session = new SdpLocalSession();
        var first = SdpOfferer.CreateOffer(Policy(Us, 30000, SrtpPolicy.Required), session);
        var same = SdpOfferer.CreateOffer(Policy(Us, 30000, SrtpPolicy.Required), session);
        Assert.Equal(first.Description.Origin, same.Description.Origin);
        var hold = SdpOfferer.CreateOffer(new SdpMediaPolicy { LocalAddress = Us, LocalRtpPort = 30000, Srtp = SrtpPolicy.Required, LocalDirection = SdpDirection.SendOnly }, session);
        Assert.Equal(first.Description.Origin.SessionVersion + 1, hold.Description.Origin.SessionVersion);
        Assert.Equal(first.Description.Media[0].Cryptos[0].Keys[0], hold.Description.Media[0].Cryptos[0].Keys[0]);
    }
}
