using System.Net;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// Late offer (RFC 3261 §13.2.1, RFC 3264 §5): an INVITE without SDP gets our offer in the 200, the
/// answer comes in the ACK; an ACK without a usable answer ends the call with BYE and a Reason.
/// </summary>
public sealed class SipServerCoreLateOfferTests
{
    private readonly SipCoreHarness _h = new();

    private static string Body(SipMessage message) => Encoding.UTF8.GetString(message.Body.Span);

    private static SdpSessionDescription ParseSdp(SipMessage message)
    {
        Assert.Equal("application/sdp", message.ContentType);
        Assert.True(SdpSessionDescription.TryParse(Body(message), out var sdp, out var error), error);
        return sdp!;
    }

    /// <summary>An answer choosing <paramref name="payloadType"/> (as numbered in our offer) at 127.0.0.1:<paramref name="port"/>.</summary>
    private static string Answer(int payloadType, string rtpmap, int port = 40002, string protocol = "RTP/AVP", string extra = "") =>
        "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        $"m=audio {port} {protocol} {payloadType}\r\na=rtpmap:{payloadType} {rtpmap}\r\n{extra}a=sendrecv\r\n";

    private async Task<(SipPeer Peer, SipRequest Invite, SipResponse Ok)> InviteWithoutSdpAsync(SipPeer? peer = null)
    {
        peer ??= _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, $"sip:5000@{SipCoreHarness.DemoDomain}");
        Assert.True(invite.Body.IsEmpty);
        var ok = await peer.SendAsync(invite);
        Assert.Equal(200, ok.StatusCode);
        peer.RemoteTag = ok.To!.Tag;
        return (peer, invite, ok);
    }

    private SipRequest AckWithBody(SipPeer peer, SipRequest invite, SipResponse ok, string? body, string contentType = "application/sdp") =>
        peer.Build(SipMethods.Ack, invite.RequestUri.ToString(), body, contentType, cseq: invite.CSeq!.Number, toTag: ok.To!.Tag);

    [Fact]
    public async Task An_INVITE_without_SDP_gets_our_offer_of_every_codec_in_the_200()
    {
        var (_, _, ok) = await InviteWithoutSdpAsync();

        var offer = ParseSdp(ok);
        var m = Assert.Single(offer.Media);
        Assert.Equal("RTP/AVP", m.Protocol);
        Assert.Equal(RecordingMediaProvider.RtpPort, m.Port);
        var codecs = m.RtpMaps.Select(r => r.EncodingName.ToUpperInvariant()).ToList();
        Assert.Contains("PCMU", codecs);
        Assert.Contains("PCMA", codecs);
        Assert.Contains("G722", codecs);
        Assert.Contains("TELEPHONE-EVENT", codecs);
        // Keys in clear signalling protect nothing: no a=crypto over UDP (RFC 4568 §8.3).
        Assert.Empty(m.Cryptos);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task Over_TLS_the_late_offer_is_SRTP_with_SDES_keys()
    {
        var peer = new SipPeer(_h, "alice", new SipEndPoint(SipTransportKind.Tls, new IPEndPoint(IPAddress.Loopback, 5071)));
        var (_, _, ok) = await InviteWithoutSdpAsync(peer);

        var m = Assert.Single(ParseSdp(ok).Media);
        Assert.Equal("RTP/SAVP", m.Protocol);
        Assert.NotEmpty(m.Cryptos);
        Assert.Contains(m.Cryptos, c => c.Suite == SrtpCryptoSuites.AesCm128HmacSha1_80);
    }

    [Fact]
    public async Task The_answer_in_the_ACK_sets_up_the_media()
    {
        var (peer, invite, ok) = await InviteWithoutSdpAsync();
        var media = Assert.Single(_h.Media.Created);
        var m = ParseSdp(ok).Media[0];
        var pcma = m.RtpMaps.Single(r => r.EncodingName == "PCMA").PayloadType;

        await _h.ReceiveAsync(AckWithBody(peer, invite, ok, Answer(pcma, "PCMA/8000")), peer.EndPoint);
        await SipCoreHarness.WaitUntilAsync(() => media.AppliedAnswer is not null, "the answer applied");

        Assert.Equal("PCMA", media.AppliedAnswer!.Codec.Name);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40002), media.AppliedAnswer.RemoteRtp);
        Assert.Equal(1, media.Starts);
        Assert.Single(_h.Core.ActiveCalls);
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));

        // After the answer the call is an ordinary dialog: BYE ends it.
        var bye = await peer.SendAsync(peer.Build(SipMethods.Bye, ok.Contacts[0].Uri.ToString(), inDialog: true));
        Assert.Equal(200, bye.StatusCode);
        Assert.Empty(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task An_ACK_without_an_answer_ends_the_call_with_BYE_and_a_reason()
    {
        var (peer, invite, ok) = await InviteWithoutSdpAsync();
        var media = Assert.Single(_h.Media.Created);

        await _h.ReceiveAsync(peer.AckFor(invite, ok), peer.EndPoint);

        var bye = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        var reason = bye.Headers[SipHeaderNames.Reason];
        Assert.NotNull(reason);
        Assert.StartsWith("SIP ;cause=488", reason, StringComparison.Ordinal);
        Assert.Contains("no SDP answer", reason, StringComparison.Ordinal);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(1, media.Disposals);
    }

    [Theory]
    [InlineData("GSM/8000", "none of the offered codecs")]
    [InlineData("PCMU/8000", "transport")]
    public async Task An_unacceptable_answer_ends_the_call_with_BYE(string rtpmap, string why)
    {
        var (peer, invite, ok) = await InviteWithoutSdpAsync();
        // GSM (3) was not offered; an answer on RTP/SAVP changes the offered RTP/AVP transport.
        var answer = rtpmap.StartsWith("GSM", StringComparison.Ordinal) ? Answer(3, rtpmap) : Answer(0, rtpmap, protocol: "RTP/SAVP");

        await _h.ReceiveAsync(AckWithBody(peer, invite, ok, answer), peer.EndPoint);

        var bye = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        Assert.Contains(why, bye.Headers[SipHeaderNames.Reason], StringComparison.Ordinal);
        Assert.Empty(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task A_malformed_answer_ends_the_call_and_the_core_keeps_serving()
    {
        var (peer, invite, ok) = await InviteWithoutSdpAsync();

        await _h.ReceiveAsync(AckWithBody(peer, invite, ok, "v=0\r\nthis is not sdp\r\n"), peer.EndPoint);

        var bye = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        Assert.Contains("malformed SDP", bye.Headers[SipHeaderNames.Reason], StringComparison.Ordinal);
        var (_, next) = await _h.NewPeer(port: 5072).CallAsync();
        Assert.Equal(200, next.StatusCode);
    }
}
