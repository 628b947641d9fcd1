using Tolk.Sip.Message;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>CANCEL of a pending INVITE (RFC 3261 §9.2).</summary>
public sealed class SipServerCoreCancelTests
{
    private readonly SipCoreHarness _h = new();

    private static SipRequest CancelFor(SipPeer peer, SipRequest invite) =>
        peer.Build(SipMethods.Cancel, invite.RequestUri.ToString(), cseq: invite.CSeq!.Number, branch: invite.TopVia!.Branch);

    [Fact]
    public async Task CANCEL_while_the_media_is_still_answering_is_200_and_the_INVITE_487_at_once()
    {
        _h.Media.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());
        var pending = peer.StartAsync(invite);
        await SipCoreHarness.WaitUntilAsync(() => _h.Media.Offers == 1, "the offer to reach the media");
        Assert.Equal(100, Assert.Single(peer.ResponsesTo(invite)).StatusCode);

        var cancel = CancelFor(peer, invite);
        var cancelOk = await peer.SendAsync(cancel);
        Assert.Equal(200, cancelOk.StatusCode);

        // RFC 3261 §9.2: the INVITE is answered 487 immediately, not when the media gets round to it.
        await SipCoreHarness.WaitUntilAsync(() => peer.FinalResponseTo(invite) is not null, "the INVITE's final response", 2000);
        var terminated = peer.FinalResponseTo(invite)!;
        Assert.Equal(487, terminated.StatusCode);
        Assert.True(_h.Media.LastToken.IsCancellationRequested);

        // The INVITE's handling is over already; the media finishes late, and what it opened is closed.
        await pending.WaitAsync(TimeSpan.FromSeconds(5));
        _h.Media.Gate.SetResult();
        await SipCoreHarness.WaitUntilAsync(() => !_h.Media.Created.IsEmpty, "the late media to open");
        var media = Assert.Single(_h.Media.Created);
        await SipCoreHarness.WaitUntilAsync(() => media.Disposals == 1, "the late media to be closed");
        Assert.Equal(0, media.Starts);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(487, peer.FinalResponseTo(invite)!.StatusCode);

        await _h.ReceiveAsync(peer.AckForFailure(invite, terminated), peer.EndPoint);
        _h.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(0, _h.Layer.ServerTransactionCount);
    }

    [Fact]
    public async Task CANCEL_after_the_2xx_is_481_to_the_CANCEL_and_the_call_stays()
    {
        var peer = _h.NewPeer();
        var (invite, _) = await peer.CallAsync();

        var response = await peer.SendAsync(CancelFor(peer, invite));

        // The INVITE transaction no longer exists for a CANCEL once a final went out (RFC 3261 §9.2).
        Assert.NotEqual(200, response.StatusCode);
        Assert.Single(_h.Core.ActiveCalls);
        Assert.Equal(0, Assert.Single(_h.Media.Created).Disposals);
    }

    [Fact]
    public async Task A_retransmitted_INVITE_while_the_media_answers_is_absorbed()
    {
        _h.Media.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());
        var pending = peer.StartAsync(invite);
        await SipCoreHarness.WaitUntilAsync(() => _h.Media.Offers == 1, "the offer to reach the media");

        await _h.ReceiveAsync(invite, peer.EndPoint);
        Assert.Equal(2, peer.ResponsesTo(invite).Count(r => r.StatusCode == 100));

        _h.Media.Gate.SetResult();
        await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(200, peer.FinalResponseTo(invite)!.StatusCode);
        Assert.Equal(1, _h.Media.Offers);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task CANCEL_for_no_transaction_is_481()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());
        var response = await peer.SendAsync(CancelFor(peer, invite));
        Assert.Equal(481, response.StatusCode);
    }

    [Fact]
    public async Task A_media_failure_after_CANCEL_still_leaves_487()
    {
        _h.Media.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer());
        var pending = peer.StartAsync(invite);
        await SipCoreHarness.WaitUntilAsync(() => _h.Media.Offers == 1, "the offer to reach the media");
        Assert.Equal(200, (await peer.SendAsync(CancelFor(peer, invite))).StatusCode);
        await SipCoreHarness.WaitUntilAsync(() => peer.FinalResponseTo(invite) is not null, "the INVITE's final response", 2000);

        await pending.WaitAsync(TimeSpan.FromSeconds(5));
        _h.Media.Gate.SetException(new InvalidOperationException("no ports left"));
        await SipCoreHarness.WaitUntilAsync(() => Volatile.Read(ref _h.Media.GatePassed) == 1, "the media to fail");

        Assert.Equal(487, peer.FinalResponseTo(invite)!.StatusCode);
        Assert.Empty(_h.Core.ActiveCalls);
    }
}
