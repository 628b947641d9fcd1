using System.Net;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>INVITE into conference rooms: tenant and room resolution, offer/answer, ACK, BYE (RFC 3261 §13–§15).</summary>
public sealed class SipServerCoreInviteTests
{
    private readonly SipCoreHarness _h = new();

    private static SdpSessionDescription Sdp(SipMessage message)
    {
        Assert.Equal("application/sdp", message.ContentType);
        Assert.True(SdpSessionDescription.TryParse(Encoding.UTF8.GetString(message.Body.Span), out var sdp, out var error), error);
        return sdp!;
    }

    [Fact]
    public async Task A_call_to_the_open_room_is_answered_acknowledged_and_hung_up()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());

        var ok = await peer.SendAsync(invite);

        var responses = peer.ResponsesTo(invite);
        Assert.Equal(100, responses[0].StatusCode);
        Assert.Equal(200, ok.StatusCode);
        Assert.False(string.IsNullOrEmpty(ok.To!.Tag));
        var contact = Assert.Single(ok.Contacts);
        Assert.Equal("5000", contact.Uri.User);
        Assert.Equal("127.0.0.1", contact.Uri.HostName);
        var answer = Sdp(ok);
        var audio = Assert.Single(answer.Media);
        Assert.Equal(RecordingMediaProvider.RtpPort, audio.Port);
        Assert.Equal(["0", "101"], audio.Formats);
        Assert.Equal("127.0.0.1", answer.Connection!.Address);

        var media = Assert.Single(_h.Media.Created);
        Assert.Equal(1, media.Starts);
        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Same(_h.OpenRoom, call.Room);
        Assert.Equal(_h.Demo.Id, call.Tenant.Id);
        Assert.Null(call.ConnectedAt);

        peer.RemoteTag = ok.To.Tag;
        await _h.ReceiveAsync(peer.AckFor(invite, ok), peer.EndPoint);
        Assert.NotNull(call.ConnectedAt);
        Assert.Equal(Tolk.Sip.Dialogs.SipDialogState.Confirmed, call.Dialog!.State);

        var bye = await peer.SendAsync(peer.Build(SipMethods.Bye, contact.Uri.ToString(), inDialog: true));
        Assert.Equal(200, bye.StatusCode);
        Assert.Equal(ok.To.Tag, bye.To!.Tag);
        Assert.Equal(1, media.Disposals);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal("caller hung up", call.EndReason);

        // The dialog is gone: a second BYE finds nothing.
        var again = await peer.SendAsync(peer.Build(SipMethods.Bye, contact.Uri.ToString(), inDialog: true));
        Assert.Equal(481, again.StatusCode);
        Assert.Equal(1, media.Disposals);
    }

    [Fact]
    public async Task The_2xx_is_retransmitted_until_the_ACK_arrives()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());
        var ok = await peer.SendAsync(invite);

        _h.Time.Advance(TimeSpan.FromMilliseconds(1600)); // T1 + 2·T1 + … : 0.5 s, 1.5 s
        var sent = peer.ResponsesTo(invite).Count(r => r.StatusCode == 200);
        Assert.Equal(3, sent);

        await _h.ReceiveAsync(peer.AckFor(invite, ok), peer.EndPoint);
        _h.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(3, peer.ResponsesTo(invite).Count(r => r.StatusCode == 200));
        Assert.Single(_h.Core.ActiveCalls);
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
    }

    [Fact]
    public async Task A_2xx_never_acknowledged_ends_the_call_with_BYE_after_64_T1()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());
        var ok = await peer.SendAsync(invite);
        var media = Assert.Single(_h.Media.Created);

        _h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Single(_h.Core.ActiveCalls);
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));

        _h.Time.Advance(TimeSpan.FromSeconds(0.2));
        var bye = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(1, media.Disposals);
        Assert.Equal(ok.To!.Tag, bye.From!.Tag);
        Assert.Equal(invite.From!.Tag, bye.To!.Tag);
        Assert.Equal("alice", bye.RequestUri.User);
        Assert.Equal(5070, bye.RequestUri.Port);
    }

    [Fact]
    public async Task An_unknown_extension_is_404()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:9999@demo.tolk.test", SipTestMessages.AudioOffer()));
        Assert.Equal(404, response.StatusCode);
        Assert.Equal(0, _h.Media.Offers);
    }

    [Theory]
    [InlineData("6000")]
    [InlineData("carol")]
    public async Task Another_tenants_extension_is_never_reachable_through_this_domain(string extension)
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, $"sip:{extension}@demo.tolk.test", SipTestMessages.AudioOffer()));

        // Not even a challenge: nothing tells the caller that the extension exists elsewhere.
        Assert.Equal(404, response.StatusCode);
        Assert.Empty(response.Headers.GetValues(SipHeaderNames.WwwAuthenticate));
        Assert.Equal(0, _h.Media.Offers);
    }

    [Fact]
    public async Task The_other_tenants_room_is_reached_through_its_own_domain()
    {
        var peer = _h.NewPeer("carol");
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:6000@other.tolk.test", SipTestMessages.AudioOffer()));
        Assert.Equal(200, response.StatusCode);
        Assert.Same(_h.OtherTenantRoom, Assert.Single(_h.Core.ActiveCalls).Room);
    }

    [Fact]
    public async Task With_an_IP_Request_URI_the_To_domain_names_the_tenant()
    {
        var peer = _h.NewPeer();
        peer.To = "<sip:6000@other.tolk.test>";
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:6000@127.0.0.1:5060", SipTestMessages.AudioOffer()));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(_h.Other.Id, Assert.Single(_h.Core.ActiveCalls).Tenant.Id);
    }

    [Fact]
    public async Task With_IP_addresses_only_the_TLS_server_name_names_the_tenant()
    {
        var peer = _h.NewPeer();
        peer.To = "<sip:5000@127.0.0.1>";
        var invite = peer.Build(SipMethods.Invite, "sip:5000@127.0.0.1:5060", SipTestMessages.AudioOffer());

        await _h.ReceiveAsync(invite, peer.EndPoint, tlsServerName: SipCoreHarness.DemoDomain);
        Assert.Equal(200, peer.FinalResponseTo(invite)!.StatusCode);

        var anonymous = _h.NewPeer(port: 5072);
        anonymous.To = "<sip:5000@127.0.0.1>";
        var response = await anonymous.SendAsync(anonymous.Build(SipMethods.Invite, "sip:5000@127.0.0.1:5060", SipTestMessages.AudioOffer()));
        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public async Task A_disabled_tenant_takes_no_calls()
    {
        _h.Tenants.SetEnabled(_h.Demo, false);
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer()));
        Assert.Equal(403, response.StatusCode);
    }

    [Fact]
    public async Task A_room_that_requires_authentication_challenges_then_admits()
    {
        var peer = _h.NewPeer();
        const string uri = "sip:5001@demo.tolk.test";
        var first = peer.Build(SipMethods.Invite, uri, SipTestMessages.AudioOffer());
        var challenge = await peer.SendAsync(first);
        Assert.Equal(401, challenge.StatusCode);
        Assert.Equal(0, _h.Media.Offers);
        await _h.ReceiveAsync(peer.AckForFailure(first, challenge), peer.EndPoint);

        var wrong = peer.Build(SipMethods.Invite, uri, SipTestMessages.AudioOffer(), headers: peer.Authorization(challenge, SipMethods.Invite, uri, "guess"));
        Assert.Equal(401, (await peer.SendAsync(wrong)).StatusCode);
        Assert.Equal(0, _h.Media.Offers);

        var second = peer.Build(SipMethods.Invite, uri, SipTestMessages.AudioOffer(), headers: peer.Authorization(challenge, SipMethods.Invite, uri, "alice-secret"));
        var ok = await peer.SendAsync(second);

        Assert.Equal(200, ok.StatusCode);
        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Same(_h.AuthRoom, call.Room);
        Assert.Equal("alice", call.AuthenticatedUser);
    }

    [Fact]
    public async Task An_INVITE_without_an_offer_is_488_when_the_media_cannot_make_a_late_offer()
    {
        var h = new SipCoreHarness(lateOffers: false);
        var peer = h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test"));
        Assert.Equal(488, response.StatusCode);
        Assert.Equal(0, h.Media.Offers);
    }

    [Fact]
    public async Task A_body_that_is_not_SDP_is_415_with_Accept()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", "hello", contentType: "text/plain"));
        Assert.Equal(415, response.StatusCode);
        Assert.Equal("application/sdp", response.Headers[SipHeaderNames.Accept]);
        Assert.Equal(0, _h.Media.Offers);
    }

    [Fact]
    public async Task Malformed_SDP_is_400()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", "v=0\r\nthis is not sdp\r\n"));
        Assert.Equal(400, response.StatusCode);
        Assert.Equal(0, _h.Media.Offers);
    }

    [Fact]
    public async Task An_offer_the_media_rejects_is_answered_with_its_status_and_a_Warning()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(payloads: "3"));
        var response = await peer.SendAsync(invite);

        Assert.Equal(488, response.StatusCode);
        var warning = response.Headers[SipHeaderNames.Warning];
        Assert.NotNull(warning);
        Assert.StartsWith("399 tolk \"", warning, StringComparison.Ordinal);
        Assert.Contains("GSM", warning, StringComparison.Ordinal);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Empty(_h.Media.Created);

        // The failure is acknowledged on the INVITE's own branch and the transaction ends.
        await _h.ReceiveAsync(peer.AckForFailure(invite, response), peer.EndPoint);
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _h.Layer.ServerTransactionCount);
    }

    [Fact]
    public async Task Media_failure_ends_the_call_with_BYE()
    {
        var peer = _h.NewPeer();
        await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);

        media.Fail("no RTP for 30 s");

        var bye = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        Assert.Equal(peer.RemoteTag, bye.From!.Tag);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(1, media.Disposals);
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(bye, 200), peer.EndPoint);
    }

    [Fact]
    public async Task Ending_every_call_sends_BYE_to_each_caller()
    {
        var alice = _h.NewPeer();
        var bob = _h.NewPeer("bob", 5071);
        await alice.CallAsync();
        await bob.CallAsync("5002");

        await _h.Core.EndAllCallsAsync("shutting down");

        Assert.Single(_h.Sender.Requests(alice.CallId, SipMethods.Bye));
        var bye = Assert.Single(_h.Sender.Sent, s => s.Message is SipRequest { Method: SipMethods.Bye } r && r.CallId == bob.CallId);
        Assert.Equal(new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5071)), bye.To);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.All(_h.Media.Created, m => Assert.Equal(1, m.Disposals));
    }
}
