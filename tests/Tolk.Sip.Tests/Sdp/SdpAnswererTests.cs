using System.Net;
using Tolk.Sip.Sdp;

namespace Tolk.Sip.Tests.Sdp;

public class SdpAnswererTests
{
    private static readonly IPAddress Local = IPAddress.Parse("192.0.2.1");

    private static SdpMediaPolicy Policy(SrtpPolicy srtp = SrtpPolicy.Optional, IReadOnlyList<SdpCodec>? codecs = null) => new()
    {
        LocalAddress = Local,
        LocalRtpPort = 30000,
        Srtp = srtp,
        Codecs = codecs ?? [SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.G722, SdpCodec.Opus, SdpCodec.TelephoneEvent],
    };

    private static SdpNegotiationResult Answer(string sample, SdpMediaPolicy? policy = null, SdpLocalSession? session = null) =>
        SdpAnswerer.Answer(SdpSamples.Load(sample), policy ?? Policy(), session ?? new SdpLocalSession());

    /// <summary>The answer must itself be valid SDP that parses back to the same text.</summary>
    private static SdpSessionDescription Reparsed(SdpNegotiationResult result)
    {
        var text = result.Answer!.ToString();
        var again = SdpSamples.Parse(text);
        Assert.Equal(text, again.ToString());
        return again;
    }

    [Fact]
    public void Baresip_offer_gets_our_preferred_codec_and_its_telephone_event_pt()
    {
        var result = Answer("baresip-pcma-pcmu.sdp");
        Assert.True(result.IsAccepted, result.Detail);
        var media = result.Media!;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 10000), media.RemoteRtp);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 10001), media.RemoteRtcp);
        Assert.False(media.RtcpMux);
        Assert.Equal(("PCMU", 0, 8000, 1), (media.Codec.Name, media.Codec.PayloadType, media.Codec.ClockRate, media.Codec.Channels));
        Assert.Equal(101, media.TelephoneEventPayloadType);
        Assert.Equal(20, media.Ptime);
        Assert.Equal(SdpDirection.SendRecv, media.Direction);
        Assert.False(media.IsHeld);
        Assert.Null(media.Srtp);

        var answer = Reparsed(result);
        var m = Assert.Single(answer.Media);
        Assert.Equal(("audio", 30000, "RTP/AVP"), (m.Media, m.Port, m.Protocol));
        Assert.Equal(["0", "101"], m.Formats);
        Assert.Equal("0-16", m.GetFmtp("101"));
        Assert.Equal(SdpDirection.SendRecv, m.Direction);
        Assert.Equal("192.0.2.1", answer.Connection!.Address);
        Assert.Equal("192.0.2.1", answer.Origin.Address);
        Assert.Equal([new SdpTiming(0, 0)], answer.Timings);
    }

    [Fact]
    public void Asterisk_offer_with_g722_first_follows_our_preference_order()
    {
        var g722First = Policy(codecs: [SdpCodec.G722, SdpCodec.Pcma, SdpCodec.TelephoneEvent]);
        var result = Answer("asterisk.sdp", g722First);
        Assert.Equal(("G722", 9), (result.Media!.Codec.Name, result.Media.Codec.PayloadType));
        Assert.Equal(101, result.Media.TelephoneEventPayloadType);

        var pcmaOnly = Answer("asterisk.sdp", Policy(codecs: [SdpCodec.Pcma]));
        Assert.Equal(8, pcmaOnly.Media!.Codec.PayloadType);
        Assert.Null(pcmaOnly.Media.TelephoneEventPayloadType);
        Assert.Equal(["8"], pcmaOnly.Answer!.Media[0].Formats);
    }

    [Fact]
    public void Cisco_offer_uses_media_level_connection_and_its_ptime()
    {
        var result = Answer("cisco-gateway.sdp");
        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(("PCMU", 0), (result.Media!.Codec.Name, result.Media.Codec.PayloadType));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 16434), result.Media.RemoteRtp);
        Assert.Equal(30, result.Media.Ptime);
        Assert.Equal(101, result.Media.TelephoneEventPayloadType);
    }

    [Fact]
    public void Static_payload_types_without_rtpmap_are_understood()
    {
        const string offer = "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18 8\r\n";
        var result = SdpAnswerer.Answer(SdpSamples.Parse(offer), Policy(), new SdpLocalSession());
        Assert.Equal(("PCMA", 8), (result.Media!.Codec.Name, result.Media.Codec.PayloadType));
    }

    [Fact]
    public void Linphone_opus_keeps_the_offerers_dynamic_pt_and_matching_telephone_event_clock()
    {
        var opusFirst = Policy(codecs: [SdpCodec.Opus, SdpCodec.Pcmu, SdpCodec.TelephoneEvent]);
        var result = Answer("linphone-opus.sdp", opusFirst);
        var codec = result.Media!.Codec;
        Assert.Equal(("opus", 96, 48000, 2), (codec.Name, codec.PayloadType, codec.ClockRate, codec.Channels));
        Assert.Equal("useinbandfec=1", codec.RemoteFmtp);
        // telephone-event/48000 is 101 in this offer; /8000 (100) would not share the Opus clock.
        Assert.Equal(101, result.Media.TelephoneEventPayloadType);

        var m = Reparsed(result).Media[0];
        Assert.Equal(["96", "101"], m.Formats);
        Assert.Equal(new SdpRtpMap(96, "opus", 48000, 2), m.GetRtpMap(96));
        Assert.Equal(new SdpRtpMap(101, "telephone-event", 48000), m.GetRtpMap(101));
        Assert.Equal("useinbandfec=1", m.GetFmtp("96"));

        // With our default order PCMU wins and telephone-event/8000 (PT 100) goes with it.
        var pcmu = Answer("linphone-opus.sdp");
        Assert.Equal((0, 100), (pcmu.Media!.Codec.PayloadType, pcmu.Media.TelephoneEventPayloadType));
    }

    [Fact]
    public void Opus_with_rtcp_mux_and_maxptime()
    {
        var result = Answer("opus-rtcp-mux.sdp", Policy(codecs: [SdpCodec.Opus, SdpCodec.TelephoneEvent]));
        var media = result.Media!;
        Assert.True(media.RtcpMux);
        Assert.Equal(media.RemoteRtp, media.RemoteRtcp);
        Assert.Equal(111, media.Codec.PayloadType);
        Assert.Equal(110, media.TelephoneEventPayloadType);
        Assert.Equal("1", new SdpFmtp("111", media.Codec.RemoteFmtp!).ToDictionary()["useinbandfec"]);
        Assert.True(Reparsed(result).Media[0].RtcpMux);

        var noMux = SdpAnswerer.Answer(SdpSamples.Load("opus-rtcp-mux.sdp"),
            new SdpMediaPolicy { LocalAddress = Local, LocalRtpPort = 30000, RtcpMux = false }, new SdpLocalSession());
        Assert.False(noMux.Media!.RtcpMux);
        Assert.Equal(40377, noMux.Media.RemoteRtcp.Port);
        Assert.False(noMux.Answer!.Media[0].RtcpMux);
    }

    [Fact]
    public void Ipv6_offer_gives_an_ipv6_remote_endpoint()
    {
        var result = Answer("ipv6.sdp", new SdpMediaPolicy { LocalAddress = IPAddress.Parse("2001:db8::1"), LocalRtpPort = 30000 });
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::10"), 49170), result.Media!.RemoteRtp);
        Assert.Equal(49171, result.Media.RemoteRtcp.Port);
        var answer = Reparsed(result);
        Assert.Equal(("IP6", "2001:db8::1"), (answer.Connection!.AddressType, answer.Connection.Address));
        Assert.Equal("IP6", answer.Origin.AddressType);
    }

    [Fact]
    public void No_common_codec_is_488_with_the_offered_list()
    {
        var result = Answer("cisco-gateway.sdp", Policy(codecs: [SdpCodec.Opus, SdpCodec.G722, SdpCodec.TelephoneEvent]));
        Assert.False(result.IsAccepted);
        Assert.Equal(488, result.StatusCode);
        Assert.Equal("Not Acceptable Here", result.ReasonPhrase);
        Assert.Contains("no common codec", result.Detail, StringComparison.Ordinal);
        Assert.Contains("G729/8000", result.Detail, StringComparison.Ordinal);
        Assert.Null(result.Answer);
    }

    [Fact]
    public void Srtp_required_refuses_plain_rtp()
    {
        var result = Answer("asterisk.sdp", Policy(SrtpPolicy.Required));
        Assert.Equal(488, result.StatusCode);
        Assert.Contains("SRTP required", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Srtp_forbidden_refuses_savp()
    {
        var result = Answer("baresip-savp-two-crypto.sdp", Policy(SrtpPolicy.Forbidden));
        Assert.Equal(488, result.StatusCode);
    }

    [Fact]
    public void Savp_answer_accepts_the_first_supported_crypto_and_generates_our_key()
    {
        var result = Answer("baresip-savp-two-crypto.sdp", Policy(SrtpPolicy.Required));
        Assert.True(result.IsAccepted, result.Detail);
        var srtp = result.Media!.Srtp!;
        Assert.Equal((1, SrtpCryptoSuites.AesCm128HmacSha1_80), (srtp.Tag, srtp.Suite));
        Assert.Equal(Convert.FromBase64String("ZHaRFLwGcpdsKBLnKdFyTNrKmdBvDjvW6fp3L5QQ"), srtp.RemoteMasterKeySalt);
        Assert.Equal((1UL, 4), (srtp.RemoteKey.MkiValue!.Value, srtp.RemoteKey.MkiLength!.Value));
        Assert.Equal(30, srtp.LocalMasterKeySalt.Length);
        Assert.NotEqual(srtp.RemoteMasterKeySalt, srtp.LocalMasterKeySalt);

        var m = Reparsed(result).Media[0];
        Assert.Equal("RTP/SAVP", m.Protocol);
        var crypto = Assert.Single(m.Cryptos);
        Assert.Equal((1, SrtpCryptoSuites.AesCm128HmacSha1_80), (crypto.Tag, crypto.Suite));
        Assert.Equal(srtp.LocalMasterKeySalt, crypto.Keys[0].DecodeKeySalt());
    }

    [Fact]
    public void Crypto_choice_skips_suites_we_do_not_support()
    {
        var only32 = new SdpMediaPolicy
        {
            LocalAddress = Local, LocalRtpPort = 30000, Srtp = SrtpPolicy.Required,
            CryptoSuites = [SrtpCryptoSuites.AesCm128HmacSha1_32],
        };
        var result = Answer("baresip-savp-two-crypto.sdp", only32);
        Assert.Equal((2, SrtpCryptoSuites.AesCm128HmacSha1_32), (result.Media!.Srtp!.Tag, result.Media.Srtp.Suite));

        var gcmOnly = new SdpMediaPolicy
        {
            LocalAddress = Local, LocalRtpPort = 30000, Srtp = SrtpPolicy.Optional,
            CryptoSuites = [SrtpCryptoSuites.AeadAes128Gcm],
        };
        var refused = Answer("baresip-savp-two-crypto.sdp", gcmOnly);
        Assert.Equal(488, refused.StatusCode);
        Assert.Contains("a=crypto", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Aead_gcm_key_length_is_checked()
    {
        var key28 = Convert.ToBase64String(Enumerable.Range(1, 28).Select(i => (byte)i).ToArray());
        var key30 = Convert.ToBase64String(Enumerable.Range(1, 30).Select(i => (byte)i).ToArray());
        string Offer(string key) =>
            "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"
            + $"a=crypto:5 AEAD_AES_128_GCM inline:{key}\r\n";
        var ok = SdpAnswerer.Answer(SdpSamples.Parse(Offer(key28)), Policy(), new SdpLocalSession());
        Assert.Equal(28, ok.Media!.Srtp!.LocalMasterKeySalt.Length);
        var wrong = SdpAnswerer.Answer(SdpSamples.Parse(Offer(key30)), Policy(), new SdpLocalSession());
        Assert.Equal(488, wrong.StatusCode);
    }

    [Fact]
    public void Best_effort_crypto_in_rtp_avp_is_honoured_unless_forbidden()
    {
        var text = SdpSamples.Text("baresip-savp-two-crypto.sdp").Replace("RTP/SAVP", "RTP/AVP", StringComparison.Ordinal);
        var optional = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(), new SdpLocalSession());
        Assert.NotNull(optional.Media!.Srtp);
        Assert.Equal("RTP/AVP", optional.Answer!.Media[0].Protocol);
        var forbidden = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(SrtpPolicy.Forbidden), new SdpLocalSession());
        Assert.Null(forbidden.Media!.Srtp);
        Assert.Empty(forbidden.Answer!.Media[0].Cryptos);
    }

    [Fact]
    public void Dtls_srtp_profile_is_rejected_with_a_reason()
    {
        var text = SdpSamples.Text("asterisk.sdp").Replace("RTP/AVP", "UDP/TLS/RTP/SAVPF", StringComparison.Ordinal);
        var result = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(), new SdpLocalSession());
        Assert.Equal(488, result.StatusCode);
        Assert.Contains("DTLS", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sendonly", SdpDirection.RecvOnly, true)]
    [InlineData("recvonly", SdpDirection.SendOnly, false)]
    [InlineData("inactive", SdpDirection.Inactive, true)]
    [InlineData("sendrecv", SdpDirection.SendRecv, false)]
    public void Hold_directions_are_mirrored(string offered, SdpDirection expected, bool held)
    {
        var text = SdpSamples.Text("asterisk.sdp").Replace("a=sendrecv", "a=" + offered, StringComparison.Ordinal);
        var result = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(), new SdpLocalSession());
        Assert.Equal(expected, result.Media!.Direction);
        Assert.Equal(held, result.Media.IsHeld);
        Assert.Equal(expected, Reparsed(result).Media[0].Direction);
    }

    [Fact]
    public void Session_level_direction_applies_when_media_has_none()
    {
        var text = SdpSamples.Text("ipv6.sdp").Replace("t=0 0\r\n", "t=0 0\r\na=sendonly\r\n", StringComparison.Ordinal);
        var result = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(), new SdpLocalSession());
        Assert.Equal(SdpDirection.RecvOnly, result.Media!.Direction);
    }

    [Fact]
    public void Legacy_hold_with_null_connection_address()
    {
        var text = SdpSamples.Text("asterisk.sdp").Replace("c=IN IP4 203.0.113.5", "c=IN IP4 0.0.0.0", StringComparison.Ordinal);
        var result = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(), new SdpLocalSession());
        Assert.True(result.Media!.IsHeld);
        Assert.Equal(SdpDirection.RecvOnly, result.Media.Direction);
        Assert.Equal(IPAddress.Any, result.Media.RemoteRtp.Address);
    }

    [Fact]
    public void Our_own_hold_policy_limits_the_answer()
    {
        var weHold = new SdpMediaPolicy { LocalAddress = Local, LocalRtpPort = 30000, LocalDirection = SdpDirection.SendOnly };
        var result = Answer("asterisk.sdp", weHold);
        Assert.Equal(SdpDirection.SendOnly, result.Media!.Direction);
    }

    [Fact]
    public void Non_audio_streams_are_rejected_with_port_zero_in_offer_order()
    {
        var result = Answer("audio-video-t38.sdp");
        Assert.True(result.IsAccepted, result.Detail);
        Assert.Equal(1, result.Media!.MediaIndex);
        var answer = Reparsed(result);
        Assert.Equal(["video", "audio", "image"], answer.Media.Select(m => m.Media));
        Assert.Equal([0, 30000, 0], answer.Media.Select(m => m.Port));
        Assert.Equal(["99"], answer.Media[0].Formats);
        Assert.Equal("udptl", answer.Media[2].Protocol);
        Assert.Equal(["t38"], answer.Media[2].Formats);
    }

    [Fact]
    public void Second_audio_stream_is_rejected_and_an_unusable_first_one_falls_through()
    {
        var text = SdpSamples.Text("cisco-gateway.sdp")
            + "m=audio 16436 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
        var pcmaOnly = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(codecs: [SdpCodec.Pcma]), new SdpLocalSession());
        Assert.Equal(1, pcmaOnly.Media!.MediaIndex);
        Assert.Equal([0, 30000], pcmaOnly.Answer!.Media.Select(m => m.Port));

        var both = SdpAnswerer.Answer(SdpSamples.Parse(text), Policy(), new SdpLocalSession());
        Assert.Equal(0, both.Media!.MediaIndex);
        Assert.Equal([30000, 0], both.Answer!.Media.Select(m => m.Port));
    }

    [Fact]
    public void Offer_without_audio_is_488()
    {
        const string offer = "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 99\r\na=rtpmap:99 H264/90000\r\n";
        var result = SdpAnswerer.Answer(SdpSamples.Parse(offer), Policy(), new SdpLocalSession());
        Assert.Equal(488, result.StatusCode);
    }

    [Fact]
    public void Missing_or_hostname_connection_is_488()
    {
        const string noC = "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        Assert.Contains("c=", SdpAnswerer.Answer(SdpSamples.Parse(noC), Policy(), new SdpLocalSession()).Detail, StringComparison.Ordinal);
        const string fqdn = "v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 pbx.example.com\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        Assert.Equal(488, SdpAnswerer.Answer(SdpSamples.Parse(fqdn), Policy(), new SdpLocalSession()).StatusCode);
    }

    [Fact]
    public void Version_increments_only_when_the_answer_changes()
    {
        var session = new SdpLocalSession();
        var policy = Policy(SrtpPolicy.Required);
        var first = Answer("baresip-savp-two-crypto.sdp", policy, session).Answer!.Origin;

        // A session-refresh re-INVITE with the same offer: same answer (keys reused), same version.
        var refresh = Answer("baresip-savp-two-crypto.sdp", policy, session);
        Assert.Equal(first, refresh.Answer!.Origin);
        Assert.Equal(first.SessionId, refresh.Answer.Origin.SessionId);

        // Hold: the answer changes to recvonly, so the version goes up by one; the session id stays.
        var hold = SdpSamples.Text("baresip-savp-two-crypto.sdp").Replace("a=sendrecv", "a=sendonly", StringComparison.Ordinal);
        var held = SdpAnswerer.Answer(SdpSamples.Parse(hold), policy, session);
        Assert.Equal(first.SessionVersion + 1, held.Answer!.Origin.SessionVersion);
        Assert.Equal(first.SessionId, held.Answer.Origin.SessionId);
        Assert.Equal(refresh.Media!.Srtp!.LocalMasterKeySalt, held.Media!.Srtp!.LocalMasterKeySalt);

        // Resume: changes again.
        var resumed = Answer("baresip-savp-two-crypto.sdp", policy, session);
        Assert.Equal(first.SessionVersion + 2, resumed.Answer!.Origin.SessionVersion);
    }
}
