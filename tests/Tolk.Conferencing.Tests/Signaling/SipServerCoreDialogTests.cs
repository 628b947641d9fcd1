using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>Requests inside a call's dialog: re-INVITE and UPDATE (RFC 3311), REFER (RFC 3515), PRACK, CSeq order.</summary>
public sealed class SipServerCoreDialogTests
{
    private readonly SipCoreHarness _h = new();

    private static string Body(SipMessage message) => Encoding.UTF8.GetString(message.Body.Span);

    [Fact]
    public async Task A_hold_reINVITE_is_answered_recvonly_through_the_media()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);
        var first = Body(ok);

        var reinvite = peer.Build(SipMethods.Invite, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer("sendonly", version: 2890844527), inDialog: true);
        var held = await peer.SendAsync(reinvite);

        Assert.Equal(200, held.StatusCode);
        Assert.Equal(ok.To!.Tag, held.To!.Tag);
        var offered = Assert.Single(media.Updates);
        Assert.Equal(SdpDirection.SendOnly, offered.DirectionFor(offered.Media[0]));
        Assert.True(SdpSessionDescription.TryParse(Body(held), out var answer, out _));
        Assert.Equal(SdpDirection.RecvOnly, answer!.DirectionFor(answer.Media[0]));
        // RFC 3264 §8: a changed description has a higher o= version, same session id.
        Assert.True(SdpSessionDescription.TryParse(first, out var before, out _));
        Assert.Equal(before!.Origin.SessionId, answer.Origin.SessionId);
        Assert.True(answer.Origin.SessionVersion > before.Origin.SessionVersion);
        await _h.ReceiveAsync(peer.AckFor(reinvite, held), peer.EndPoint);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task A_reINVITE_2xx_never_acknowledged_ends_the_call_with_BYE()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);
        var reinvite = peer.Build(SipMethods.Invite, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer("sendonly", version: 2890844527), inDialog: true);
        Assert.Equal(200, (await peer.SendAsync(reinvite)).StatusCode);

        _h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Single(_h.Core.ActiveCalls);
        _h.Time.Advance(TimeSpan.FromSeconds(0.2));

        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(1, media.Disposals);
    }

    [Fact]
    public async Task A_reINVITE_without_an_offer_gets_the_current_description()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);

        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, ok.Contacts[0].Uri.ToString(), inDialog: true));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/sdp", response.ContentType);
        Assert.Equal(Body(ok), Body(response));
        Assert.Empty(media.Updates);
    }

    [Fact]
    public async Task An_UPDATE_with_an_offer_is_answered_in_its_2xx()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();

        var response = await peer.SendAsync(peer.Build(SipMethods.Update, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer("inactive", version: 2890844527), inDialog: true));

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("a=inactive", Body(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_reoffer_keeps_the_call()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);

        var reinvite = peer.Build(SipMethods.Invite, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer(payloads: "3", version: 2890844527), inDialog: true);
        var response = await peer.SendAsync(reinvite);

        Assert.Equal(488, response.StatusCode);
        Assert.Equal(ok.To!.Tag, response.To!.Tag);
        Assert.Single(_h.Core.ActiveCalls);
        Assert.Equal(0, media.Disposals);
    }

    [Fact]
    public async Task A_CSeq_lower_than_the_last_is_500()
    {
        var peer = _h.NewPeer();
        var (invite, ok) = await peer.CallAsync();
        var target = ok.Contacts[0].Uri.ToString();
        Assert.Equal(200, (await peer.SendAsync(peer.Build(SipMethods.Update, target, inDialog: true, cseq: 10))).StatusCode);

        var stale = await peer.SendAsync(peer.Build(SipMethods.Update, target, inDialog: true, cseq: 5));

        Assert.Equal(500, stale.StatusCode);
        Assert.True(invite.CSeq!.Number < 5);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task PRACK_inside_the_dialog_is_481()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var response = await peer.SendAsync(peer.Build(SipMethods.Prack, ok.Contacts[0].Uri.ToString(), inDialog: true, headers: ["RAck: 1 1 INVITE"]));
        Assert.Equal(481, response.StatusCode);
    }

    [Fact]
    public async Task A_request_with_a_wrong_To_tag_is_481()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var response = await peer.SendAsync(peer.Build(SipMethods.Bye, ok.Contacts[0].Uri.ToString(), toTag: "forged"));
        Assert.Equal(481, response.StatusCode);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task REFER_to_another_room_moves_the_call_and_reports_in_NOTIFYs()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);
        var call = Assert.Single(_h.Core.ActiveCalls);

        var refer = peer.Build(SipMethods.Refer, ok.Contacts[0].Uri.ToString(), inDialog: true, headers: ["Refer-To: <sip:5002@demo.tolk.test>"]);
        var accepted = await peer.SendAsync(refer);
        Assert.Equal(202, accepted.StatusCode);

        var trying = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Notify);
        AssertNotify(trying, "SIP/2.0 100 Trying", "active");
        Assert.Equal(ok.To!.Tag, trying.From!.Tag);
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(trying, 200), peer.EndPoint);

        var done = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Notify, 1);
        AssertNotify(done, "SIP/2.0 200 OK", "terminated");
        Assert.True(done.CSeq!.Number > trying.CSeq!.Number);
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(done, 200), peer.EndPoint);

        Assert.Same(_h.SecondRoom, call.Room);
        Assert.Same(_h.SecondRoom, Assert.Single(media.Moves));
        Assert.Equal(0, media.Disposals);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task REFER_does_not_hold_up_message_dispatch_while_the_NOTIFY_is_unanswered()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();

        // A transport that dispatches one message at a time must be able to deliver the NOTIFY's answer.
        var refer = peer.Build(SipMethods.Refer, ok.Contacts[0].Uri.ToString(), inDialog: true, headers: ["Refer-To: <sip:5002@demo.tolk.test>"]);
        var dispatch = _h.ReceiveAsync(refer, peer.EndPoint).AsTask();
        // The harness's clock is manual, so a dispatch that waits for the NOTIFY's answer never finishes: a generous
        // real-time bound (returning as soon as dispatch does) cannot mistake that for a slow, loaded machine.
        var finished = await Task.WhenAny(dispatch, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(dispatch, finished);
        Assert.Equal(202, peer.FinalResponseTo(refer)!.StatusCode);
        var trying = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Notify);
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(trying, 200), peer.EndPoint);
        var done = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Notify, 1);
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(done, 200), peer.EndPoint);
    }

    [Theory]
    [InlineData("<sip:6000@other.tolk.test>")]
    [InlineData("<sip:6000@demo.tolk.test>")]
    [InlineData("<sip:bob@demo.tolk.test>")]
    [InlineData("<sip:9999@demo.tolk.test>")]
    [InlineData("<tel:+15551234567>")]
    public async Task REFER_anywhere_but_a_room_of_the_tenant_is_403(string referTo)
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var call = Assert.Single(_h.Core.ActiveCalls);

        var response = await peer.SendAsync(peer.Build(SipMethods.Refer, ok.Contacts[0].Uri.ToString(), inDialog: true, headers: ["Refer-To: " + referTo]));

        Assert.Equal(403, response.StatusCode);
        Assert.Same(_h.OpenRoom, call.Room);
        Assert.Empty(Assert.Single(_h.Media.Created).Moves);
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Notify));
    }

    [Fact]
    public async Task REFER_without_Refer_To_is_400()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var response = await peer.SendAsync(peer.Build(SipMethods.Refer, ok.Contacts[0].Uri.ToString(), inDialog: true));
        Assert.Equal(400, response.StatusCode);
    }

    [Fact]
    public async Task In_dialog_OPTIONS_and_INFO_are_answered()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var target = ok.Contacts[0].Uri.ToString();
        Assert.Equal(200, (await peer.SendAsync(peer.Build(SipMethods.Options, target, inDialog: true))).StatusCode);
        Assert.Equal(200, (await peer.SendAsync(peer.Build(SipMethods.Info, target, inDialog: true))).StatusCode);
        Assert.Equal(405, (await peer.SendAsync(peer.Build(SipMethods.Subscribe, target, inDialog: true))).StatusCode);
    }

    private static void AssertNotify(SipRequest notify, string sipfrag, string state)
    {
        Assert.Equal("refer", notify.Headers[SipHeaderNames.Event]);
        Assert.StartsWith("message/sipfrag", notify.ContentType, StringComparison.Ordinal);
        Assert.StartsWith(state, notify.Headers[SipHeaderNames.SubscriptionState], StringComparison.Ordinal);
        Assert.Equal(sipfrag, Body(notify).TrimEnd());
    }
}
