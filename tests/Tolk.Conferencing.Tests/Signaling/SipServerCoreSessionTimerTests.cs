using Tolk.Sip.Message;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>Session timers (RFC 4028): Min-SE, refresher choice, refreshes, and the BYE when they stop.</summary>
public sealed class SipServerCoreSessionTimerTests
{
    private readonly SipCoreHarness _h = new();

    [Fact]
    public async Task Too_small_an_interval_is_422_with_Min_SE()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: ["Supported: timer", "Session-Expires: 30"]));

        Assert.Equal(422, response.StatusCode);
        Assert.Equal("90", response.Headers[SipHeaderNames.MinSe]);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Empty(_h.Media.Created);
    }

    [Fact]
    public async Task A_caller_that_supports_timers_is_made_the_refresher()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800"]);

        Assert.Equal("1800;refresher=uac", ok.Headers[SipHeaderNames.SessionExpires]);
        Assert.True(ok.HasOptionTag(SipHeaderNames.Require, "timer"));
        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Equal(TimeSpan.FromSeconds(1800), call.SessionInterval);
        Assert.False(call.WeRefresh);
    }

    [Fact]
    public async Task Without_a_refresh_the_session_ends_with_BYE_before_it_expires()
    {
        var peer = _h.NewPeer();
        await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800"]);
        var media = Assert.Single(_h.Media.Created);

        // RFC 4028 §10: BYE at SE − min(32, SE/3) = 1768 s.
        _h.Time.Advance(TimeSpan.FromSeconds(1767));
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
        Assert.Single(_h.Core.ActiveCalls);

        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(1, media.Disposals);
    }

    [Fact]
    public async Task A_short_interval_keeps_a_third_as_margin()
    {
        var peer = _h.NewPeer();
        await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 90"]);

        // min(32, 90/3) = 30: BYE at 60 s.
        _h.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
    }

    [Theory]
    [InlineData(SipMethods.Update)]
    [InlineData(SipMethods.Invite)]
    public async Task A_refresh_from_the_caller_rearms_the_timer(string method)
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800"]);
        var target = ok.Contacts[0].Uri.ToString();

        _h.Time.Advance(TimeSpan.FromSeconds(900));
        var refresh = peer.Build(method, target, inDialog: true, headers: ["Supported: timer", "Session-Expires: 1800;refresher=uac"]);
        var refreshed = await peer.SendAsync(refresh);
        Assert.Equal(200, refreshed.StatusCode);
        Assert.Equal("1800;refresher=uac", refreshed.Headers[SipHeaderNames.SessionExpires]);
        if (method == SipMethods.Invite)
        {
            await _h.ReceiveAsync(peer.AckFor(refresh, refreshed), peer.EndPoint);
        }

        // The first deadline (1768 s) passes without a BYE; the new one is 900 + 1768 s.
        _h.Time.Advance(TimeSpan.FromSeconds(1767));
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
        Assert.Single(_h.Core.ActiveCalls);
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
    }

    [Fact]
    public async Task When_we_refresh_we_send_UPDATE_at_half_the_interval()
    {
        var peer = _h.NewPeer();
        var (invite, ok) = await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800;refresher=uas"]);
        Assert.Equal("1800;refresher=uas", ok.Headers[SipHeaderNames.SessionExpires]);
        Assert.False(ok.HasOptionTag(SipHeaderNames.Require, "timer"));
        Assert.True(Assert.Single(_h.Core.ActiveCalls).WeRefresh);

        _h.Time.Advance(TimeSpan.FromSeconds(899));
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Update));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        var update = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Update);

        Assert.Equal("alice", update.RequestUri.User);
        Assert.Equal(ok.To!.Tag, update.From!.Tag);
        Assert.Equal(invite.From!.Tag, update.To!.Tag);
        // RFC 4028 §7.4/§9: the refresher names itself "uac" in the refresh it sends (it is that request's UAC).
        Assert.Equal("1800;refresher=uac", update.Headers[SipHeaderNames.SessionExpires]);
        Assert.True(update.HasOptionTag(SipHeaderNames.Supported, "timer"));

        await _h.ReceiveAsync(SipTestMessages.AnswerTo(update, 200, "Session-Expires: 1800;refresher=uac", "Require: timer"), peer.EndPoint);

        // Re-armed: the next UPDATE half an interval after the first.
        await SipCoreHarness.WaitUntilAsync(() => _h.Clock.CountDue(TimeSpan.FromSeconds(900)) == 2, "the session timer to be re-armed");
        _h.Time.Advance(TimeSpan.FromSeconds(900));
        var second = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Update, 1);
        Assert.True(second.CSeq!.Number > update.CSeq!.Number);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task A_refresh_that_finds_no_dialog_ends_the_call_without_BYE()
    {
        var peer = _h.NewPeer();
        await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800;refresher=uas"]);
        var media = Assert.Single(_h.Media.Created);

        _h.Time.Advance(TimeSpan.FromSeconds(900));
        var update = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Update);
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(update, 481), peer.EndPoint);

        await SipCoreHarness.WaitUntilAsync(() => _h.Core.ActiveCalls.Count == 0, "the call to end");
        Assert.Equal(1, media.Disposals);
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
    }

    [Fact]
    public async Task A_refresh_that_times_out_ends_the_call_with_BYE()
    {
        var peer = _h.NewPeer();
        await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800;refresher=uas"]);

        _h.Time.Advance(TimeSpan.FromSeconds(900));
        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Update);
        _h.Time.Advance(TimeSpan.FromSeconds(33)); // Timer F: 64·T1

        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
        await SipCoreHarness.WaitUntilAsync(() => _h.Core.ActiveCalls.Count == 0, "the call to end");
    }

    [Fact]
    public async Task A_refresh_with_too_small_an_interval_is_422_and_leaves_the_media_alone()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800"]);
        var media = Assert.Single(_h.Media.Created);

        var reinvite = peer.Build(SipMethods.Invite, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer("sendonly", version: 2890844527),
            inDialog: true, headers: ["Supported: timer", "Session-Expires: 30"]);
        var response = await peer.SendAsync(reinvite);

        Assert.Equal(422, response.StatusCode);
        Assert.Equal("90", response.Headers[SipHeaderNames.MinSe]);
        // RFC 3261 §14.2: a rejected re-INVITE leaves the session as it was.
        Assert.Empty(media.Updates);
        Assert.Contains("a=sendrecv", media.LocalDescription.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1800), Assert.Single(_h.Core.ActiveCalls).SessionInterval);
    }

    [Fact]
    public async Task Without_Session_Expires_no_timer_runs()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        Assert.Null(ok.Headers[SipHeaderNames.SessionExpires]);

        _h.Time.Advance(TimeSpan.FromHours(3));
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Update));
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task A_caller_that_supports_timers_but_asks_for_none_gets_the_default_interval()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync(headers: ["Supported: timer"]);

        Assert.Equal("1800;refresher=uac", ok.Headers[SipHeaderNames.SessionExpires]);
        Assert.True(ok.HasOptionTag(SipHeaderNames.Require, "timer"));
        _h.Time.Advance(TimeSpan.FromSeconds(1768));
        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
    }

    [Fact]
    public async Task The_default_interval_respects_the_callers_Min_SE()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync(headers: ["Supported: timer", "Min-SE: 3600"]);
        Assert.Equal("3600;refresher=uac", ok.Headers[SipHeaderNames.SessionExpires]);
    }

    [Fact]
    public async Task The_compact_form_of_Session_Expires_is_understood()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: ["k: timer", "x: 60"]));
        Assert.Equal(422, response.StatusCode);
    }

    [Fact]
    public async Task The_peer_can_take_over_refreshing_in_its_answer_to_our_refresh()
    {
        var peer = _h.NewPeer();
        await peer.CallAsync(headers: ["Supported: timer", "Session-Expires: 1800;refresher=uas"]);
        var call = Assert.Single(_h.Core.ActiveCalls);

        _h.Time.Advance(TimeSpan.FromSeconds(900));
        var update = await _h.WaitForRequestAsync(peer.CallId, SipMethods.Update);
        // In the 2xx to our UPDATE, "uas" is the peer (RFC 4028 §7.2).
        await _h.ReceiveAsync(SipTestMessages.AnswerTo(update, 200, "Session-Expires: 1200;refresher=uas", "Require: timer"), peer.EndPoint);
        await SipCoreHarness.WaitUntilAsync(() => _h.Clock.CountDue(TimeSpan.FromSeconds(1200 - 32)) == 1, "the expiry timer of the new interval");

        Assert.False(call.WeRefresh);
        Assert.Equal(TimeSpan.FromSeconds(1200), call.SessionInterval);
        _h.Time.Advance(TimeSpan.FromSeconds(1167));
        Assert.Single(_h.Sender.Requests(peer.CallId, SipMethods.Update).Distinct());
        Assert.Empty(_h.Sender.Requests(peer.CallId, SipMethods.Bye));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await _h.WaitForRequestAsync(peer.CallId, SipMethods.Bye);
    }
}
