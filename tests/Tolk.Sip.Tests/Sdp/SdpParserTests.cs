using System.Net;
using Tolk.Sip.Sdp;

namespace Tolk.Sip.Tests.Sdp;

public class SdpParserTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var n in SdpSamples.Names())
        {
            data.Add(n);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Samples_round_trip_byte_for_byte(string name)
    {
        var text = SdpSamples.Text(name);
        var sdp = SdpSamples.Load(name);
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Lf_only_bodies_parse_and_serialize_with_crlf()
    {
        var sdp = SdpSamples.Parse(SdpSamples.Text("asterisk.sdp").Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("\r\nm=audio 17042 RTP/AVP 9 0 8 3 101\r\n", sdp.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_are_parsed()
    {
        var sdp = SdpSamples.Load("asterisk.sdp");
        Assert.Equal(new SdpOrigin("-", 1400385541, 1400385541, "IN", "IP4", "203.0.113.5"), sdp.Origin);
        Assert.Equal("Asterisk", sdp.SessionName);
        Assert.Equal(IPAddress.Parse("203.0.113.5"), sdp.Connection!.IPAddress);
        var m = Assert.Single(sdp.Media);
        Assert.Equal(("audio", 17042, "RTP/AVP"), (m.Media, m.Port, m.Protocol));
        Assert.Equal(["9", "0", "8", "3", "101"], m.Formats);
        Assert.Equal(new SdpRtpMap(101, "telephone-event", 8000), m.GetRtpMap(101));
        Assert.Equal("0-16", m.GetFmtp("101"));
        Assert.Equal(20, m.Ptime);
        Assert.Equal(150, m.MaxPtime);
        Assert.Equal(SdpDirection.SendRecv, m.Direction);
    }

    [Fact]
    public void Opus_fmtp_rtcp_and_rtcp_mux_are_parsed()
    {
        var m = SdpSamples.Load("opus-rtcp-mux.sdp").Media[0];
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), m.GetRtpMap(111));
        var fmtp = new SdpFmtp("111", m.GetFmtp("111")!).ToDictionary();
        Assert.Equal("1", fmtp["useinbandfec"]);
        Assert.Equal("10", fmtp["minptime"]);
        Assert.True(m.RtcpMux);
        Assert.Equal(40377, m.Rtcp!.Port);
        Assert.Equal("10.0.0.42", m.Rtcp.Connection!.Address);
    }

    [Fact]
    public void Crypto_attributes_with_lifetime_and_mki_are_parsed()
    {
        var cryptos = SdpSamples.Load("baresip-savp-two-crypto.sdp").Media[0].Cryptos;
        Assert.Equal(2, cryptos.Count);
        var first = cryptos[0];
        Assert.Equal((1, SrtpCryptoSuites.AesCm128HmacSha1_80), (first.Tag, first.Suite));
        var key = Assert.Single(first.Keys);
        Assert.Equal(("inline", "2^20", 1UL, 4), (key.Method, key.Lifetime, key.MkiValue!.Value, key.MkiLength!.Value));
        Assert.Equal(30, key.DecodeKeySalt()!.Length);
        Assert.Null(cryptos[1].Keys[0].Lifetime);
        Assert.Null(cryptos[1].Keys[0].MkiValue);
        Assert.Equal("2 AES_CM_128_HMAC_SHA1_32 inline:bDyn9ixe42ZlNqt2bu5EFHyvuJYO0x9xXr4QjBl2", cryptos[1].ToString());
    }

    [Fact]
    public void Crypto_session_parameters_and_multiple_keys_round_trip()
    {
        const string value = "7 AES_CM_128_HMAC_SHA1_80 inline:ZHaRFLwGcpdsKBLnKdFyTNrKmdBvDjvW6fp3L5QQ|2^20|1:4;inline:bDyn9ixe42ZlNqt2bu5EFHyvuJYO0x9xXr4QjBl2|2^20|2:4 KDR=1 UNENCRYPTED_SRTCP";
        Assert.True(SdpCrypto.TryParse(value, out var c));
        Assert.Equal(2, c!.Keys.Count);
        Assert.Equal(["KDR=1", "UNENCRYPTED_SRTCP"], c.SessionParameters);
        Assert.Equal(value, c.ToString());
    }

    [Fact]
    public void Ipv6_connection_and_rtcp_are_parsed()
    {
        var sdp = SdpSamples.Load("ipv6.sdp");
        Assert.Equal("IP6", sdp.Connection!.AddressType);
        Assert.Equal(IPAddress.Parse("2001:db8::10"), sdp.Connection.IPAddress);
        Assert.Equal("IP6", sdp.Origin.AddressType);
        Assert.Equal(49171, sdp.Media[0].Rtcp!.Port);
    }

    [Fact]
    public void Unknown_lines_are_kept_at_their_level()
    {
        var sdp = SdpSamples.Load("audio-video-t38.sdp");
        Assert.Contains(new SdpLine('x', "unknown line type kept verbatim"), sdp.OtherLines);
        Assert.Contains(new SdpLine('i', "main audio"), sdp.Media[1].OtherLines);
        Assert.Equal("udptl", sdp.Media[2].Protocol);
        Assert.Equal(["t38"], sdp.Media[2].Formats);
        Assert.Equal(new SdpBandwidth("AS", 512), Assert.Single(sdp.Media[0].Bandwidths));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello world", "type")]
    [InlineData("s=-\r\nv=0\r\n", "v=0")]
    [InlineData("v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", "v=0")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\n", "o=")]
    [InlineData("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\n", "numbers")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 999.1.1.1\r\n", "IPv4")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP6 10.0.0.1\r\n", "IPv6")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IPX 1.2.3.4\r\n", "address type")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 70000 RTP/AVP 0\r\n", "port")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP\r\n", "formats")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0 abc\r\n", "payload")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", "rtpmap")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=ptime:fast\r\n", "ptime")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n", "crypto")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc|x|y|z\r\n", "crypto")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:port\r\n", "rtcp")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nb=AS\r\n", "b=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nnot a line\r\n", "type")]
    public void Garbage_is_an_error_not_an_exception(string text, string expectedInError)
    {
        Assert.False(SdpSessionDescription.TryParse(text, out var sdp, out var error));
        Assert.Null(sdp);
        Assert.Contains(expectedInError, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Tolerates_blank_lines_missing_s_and_fqdn_connection()
    {
        const string text = "v=0\r\n\r\no=- 1 1 IN IP4 pbx.example.com\r\nc=IN IP4 pbx.example.com\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n\r\n";
        var sdp = SdpSamples.Parse(text);
        Assert.Equal("pbx.example.com", sdp.Connection!.Address);
        Assert.Null(sdp.Connection.IPAddress);
    }

    [Fact]
    public void Mutated_offers_never_throw_from_parse_or_answer()
    {
        var random = new Random(20261122);
        var samples = SdpSamples.Names().Select(SdpSamples.Text).ToList();
        var policy = new SdpMediaPolicy { LocalAddress = IPAddress.Loopback, LocalRtpPort = 30000 };
        const string noise = " =:/\r\n0123456789abcIPNva-|^;";
        var parsed = 0;
        for (var i = 0; i < 3000; i++)
        {
            var chars = samples[random.Next(samples.Count)].ToCharArray().ToList();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits && chars.Count > 0; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, noise[random.Next(noise.Length)]); break;
                    default: chars[at] = noise[random.Next(noise.Length)]; break;
                }
            }
            var text = new string(chars.ToArray());
            if (SdpSessionDescription.TryParse(text, out var sdp, out var error))
            {
                parsed++;
                var result = SdpAnswerer.Answer(sdp!, policy, new SdpLocalSession());
                Assert.True(result.IsAccepted || result.StatusCode == 488);
                // Whatever we accepted must serialise into something we can parse again.
                Assert.True(SdpSessionDescription.TryParse(sdp!.ToString(), out _, out error), error);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
        }
        Assert.InRange(parsed, 1, 2999);
    }
}
