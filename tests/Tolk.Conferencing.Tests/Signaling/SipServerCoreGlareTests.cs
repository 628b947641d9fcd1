using System.Globalization;
using Tolk.Sip.Message;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// Overlapping session modifications (RFC 3261 §14.2, RFC 3311 §5.2): 491 when our own offer is still
/// open (glare), 500 with a random Retry-After of 0–10 s while we still process the previous one.
/// </summary>
public sealed class SipServerCoreGlareTests
{
    private readonly SipCoreHarness _h = new();

    [Fact]
    public async Task A_reINVITE_while_our_late_offer_awaits_its_answer_gets_491()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, $"sip:5000@{SipCoreHarness.DemoDomain}");
        var ok = await peer.SendAsync(invite);
        Assert.Equal(200, ok.StatusCode);
        peer.RemoteTag = ok.To!.Tag;

        var reinvite = peer.Build(SipMethods.Invite, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer(version: 2890844527), inDialog: true);
        var glare = await peer.SendAsync(reinvite);

        Assert.Equal(491, glare.StatusCode);
        Assert.Equal(ok.To.Tag, glare.To!.Tag);
        var media = Assert.Single(_h.Media.Created);
        Assert.Empty(media.Updates);
        Assert.Single(_h.Core.ActiveCalls);
    }

    [Fact]
    public async Task An_UPDATE_offer_while_our_late_offer_is_open_gets_491_but_a_refresh_without_offer_passes()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, $"sip:5000@{SipCoreHarness.DemoDomain}");
        var ok = await peer.SendAsync(invite);
        peer.RemoteTag = ok.To!.Tag;

        var offer = await peer.SendAsync(peer.Build(SipMethods.Update, ok.Contacts[0].Uri.ToString(), SipTestMessages.AudioOffer(version: 2890844527), inDialog: true));
        var refresh = await peer.SendAsync(peer.Build(SipMethods.Update, ok.Contacts[0].Uri.ToString(), inDialog: true));

        Assert.Equal(491, offer.StatusCode);
        Assert.Equal(200, refresh.StatusCode);
    }

    [Fact]
    public async Task A_reINVITE_while_the_previous_one_is_still_processed_gets_500_with_Retry_After()
    {
        var peer = _h.NewPeer();
        var (_, ok) = await peer.CallAsync();
        var media = Assert.Single(_h.Media.Created);
        media.UpdateGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = ok.Contacts[0].Uri.ToString();

        var first = peer.Build(SipMethods.Invite, target, SipTestMessages.AudioOffer("sendonly", version: 2890844527), inDialog: true);
        var pending = peer.StartAsync(first);
        await SipCoreHarness.WaitUntilAsync(() => !media.Updates.IsEmpty, "the first re-INVITE reaching the media");

        var second = await peer.SendAsync(peer.Build(SipMethods.Invite, target, SipTestMessages.AudioOffer(version: 2890844528), inDialog: true));
        var update = await peer.SendAsync(peer.Build(SipMethods.Update, target, SipTestMessages.AudioOffer(version: 2890844528), inDialog: true));

        foreach (var busy in new[] { second, update })
        {
            Assert.Equal(500, busy.StatusCode);
            var retryAfter = int.Parse(busy.Headers[SipHeaderNames.RetryAfter]!, CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 0, 10);
        }
        Assert.Null(peer.FinalResponseTo(first));

        media.UpdateGate.SetResult();
        await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(200, peer.FinalResponseTo(first)!.StatusCode);
        Assert.Single(media.Updates);

        // Once the first is answered, the next modification is processed again.
        media.UpdateGate = null;
        var later = await peer.SendAsync(peer.Build(SipMethods.Invite, target, SipTestMessages.AudioOffer(version: 2890844529), inDialog: true));
        Assert.Equal(200, later.StatusCode);
    }
}
